import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from '@temporalio/worker';

/**
 * Liveness and readiness for orchestrators: `GET /healthz` answers while the process serves HTTP,
 * `GET /readyz` only while the worker is RUNNING (not starting, draining or stopped).
 */
export async function startHealthServer(worker: Pick<Worker, 'getState'>, address: string): Promise<{ url: string; close(): Promise<void> }> {
  const [host, port] = splitAddress(address);
  const server: Server = createServer((req, res) => {
    const state = worker.getState();
    const path = req.url?.split('?')[0];
    const status = path === '/healthz' ? (state === 'FAILED' ? 503 : 200) : path === '/readyz' ? (state === 'RUNNING' ? 200 : 503) : 404;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ state }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${bound.address}:${bound.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
