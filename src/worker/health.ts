import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from '@temporalio/worker';
import type { QuotaReport } from '../activities/quota-users';
import type { ServerReachability } from './server-reachability';

export interface HealthChecks {
  worker: Pick<Worker, 'getState'>;
  /** Whether the Temporal frontend answers. */
  server?: Pick<ServerReachability, 'reachable' | 'lastError'>;
  /** Why the worker stopped on its own (a fatal error): the process is then neither ready nor live. */
  fatal?: () => string | undefined;
  /** What keeps the worker from being ready though it runs, e.g. a sessions file gone bad. */
  problems?: () => (string | undefined)[];
  /** Served as `GET /quota`. */
  quota?: () => QuotaReport;
}

/**
 * Liveness and readiness for orchestrators: `GET /healthz` answers while the process serves HTTP and its
 * worker has not stopped on its own, `GET /readyz` only while the worker is RUNNING (not starting,
 * draining or stopped), can reach the Temporal server, and nothing it depends on has a problem. Not ready
 * is not dead: a worker cut off from the server resumes by itself when the network comes back, so
 * liveness stays up. `GET /quota` says which sellers this worker's TOP calls went to most
 * (activities/quota-users.ts).
 */
export async function startHealthServer({ worker, server, fatal = () => undefined, problems = () => [], quota }: HealthChecks, address: string): Promise<{ url: string; close(): Promise<void> }> {
  const [host, port] = splitAddress(address);
  const http: Server = createServer((req, res) => {
    const state = worker.getState();
    const reachable = server?.reachable ?? true;
    const path = req.url?.split('?')[0];
    if (path === '/quota' && quota) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(quota()));
      return;
    }
    const stopped = fatal();
    const found = [stopped, ...problems()].filter((problem): problem is string => problem !== undefined);
    const live = state !== 'FAILED' && stopped === undefined;
    const status = path === '/healthz' ? (live ? 200 : 503) : path === '/readyz' ? (state === 'RUNNING' && reachable && found.length === 0 ? 200 : 503) : 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ state, ...(server ? { temporal: reachable ? 'reachable' : `unreachable: ${server.lastError}` } : {}), ...(found.length ? { problems: found } : {}) }));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const bound = http.address() as AddressInfo;
  return {
    url: `http://${bound.address}:${bound.port}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
