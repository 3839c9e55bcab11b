import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkOrderClient } from '../../src/client';
import { forEachBounded } from '../../src/client/for-each-bounded';
import { loadConfig, type Config } from '../../src/worker/config';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { ALIMI_PROGRESS_NOTIFY } from '../../src/top';
import { freePort, startCommand, startDevServer, startNode, type Child } from '../../dev/processes';
import { startCluster } from '../../dev/cluster/cluster';

/** Ours as `npm run worker` runs it, and the baseline built the same way (bench/lib/baseline-worker.ts). */
export const WORKER_ENTRIES = { ours: 'src/worker.ts', baseline: 'bench/lib/baseline-worker.ts' } as const;

export interface BenchStack {
  address: string;
  gatewayUrl: string;
  sandboxUrl: string;
  /** Temporal's processes (the dev server; or the full server and PostgreSQL), for their CPU time. */
  server: { process: { pid?: number } };
  database?: { process: { pid?: number }; dataDir?: string };
  sandbox: Child;
  client: Client;
  nativeConnection: NativeConnection;
  config(overrides?: Record<string, string>): Config;
  workOrders(taskQueue: string): WorkOrderClient;
  /** A worker in its own process, so its memory can be measured alone; metrics and health endpoints off. */
  startWorker(entry: string, taskQueue: string, env?: NodeJS.ProcessEnv): Promise<Child>;
  /** A worker of another kind (the Python SDK's), given the same environment; ready when it prints "worker on task queue". */
  startWorkerCommand(command: string, args: string[], taskQueue: string, env?: NodeJS.ProcessEnv): Promise<Child>;
  /**
   * Starts work orders `<taskQueue>-<from>` … `<taskQueue>-<to - 1>` (one TOP call each to open, then
   * waiting, like a work order waiting for goods) and returns once visibility shows `to` of them open.
   */
  openWorkOrders(taskQueue: string, from: number, to: number): Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * Temporal — a dev server on SQLite/WAL, or with `cluster` the full server on PostgreSQL (dev/cluster) —
 * and the sandbox, each in its own process; clients in this one.
 */
export async function startBenchStack(options: { cluster?: boolean; fairness?: boolean; dynamicConfig?: Record<string, string | number | boolean> } = {}): Promise<BenchStack> {
  if (!runtimeInstalled) Runtime.install({ logger: new DefaultLogger('ERROR') });
  runtimeInstalled = true;
  const server = options.cluster ? await clusterAsServer() : await startDevServer({ fairness: options.fairness, dynamicConfig: options.dynamicConfig });
  const port = await freePort();
  const sandbox = await startNode('src/sandbox/main.ts', { TOP_SANDBOX_PORT: String(port) }, /TOP sandbox gateway/);
  const sandboxUrl = `http://127.0.0.1:${port}`;
  const sessionsFile = join(mkdtempSync(join(tmpdir(), 'bench-sessions-')), 'sessions.json');
  writeFileSync(sessionsFile, JSON.stringify(Object.fromEntries(Object.entries(SANDBOX_DEFAULTS.sessions).map(([key, grant]) => [grant.seller, key]))));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const workerEnv = (taskQueue: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TOP_GATEWAY_URL: `${sandboxUrl}/router/rest`,
    TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
    TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
    TOP_SESSIONS_FILE: sessionsFile,
    TOP_CALLS_PER_SECOND: '10000',
    WORKER_METRICS_ADDRESS: 'off',
    WORKER_HEALTH_ADDRESS: 'off',
    ...env,
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return {
    address: server.address,
    gatewayUrl: `${sandboxUrl}/router/rest`,
    sandboxUrl,
    server,
    database: 'database' in server ? server.database : undefined,
    sandbox,
    client,
    nativeConnection,
    config: (overrides = {}) =>
      loadConfig({
        TOP_GATEWAY_URL: `${sandboxUrl}/router/rest`,
        TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
        TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
        TOP_SESSIONS_FILE: sessionsFile,
        TOP_CALLS_PER_SECOND: '10000',
        ...overrides,
      }),
    workOrders: (taskQueue) => new WorkOrderClient(client, taskQueue),
    startWorker: async (entry, taskQueue, env = {}) => await startNode(entry, workerEnv(taskQueue, env), /worker on task queue/),
    startWorkerCommand: async (command, args, taskQueue, env = {}) => await startCommand(command, args, workerEnv(taskQueue, env), /worker on task queue/),
    openWorkOrders: async (taskQueue, from, to) => {
      const workOrders = new WorkOrderClient(client, taskQueue);
      const ids = Array.from({ length: to - from }, (_, i) => `${taskQueue}-${from + i}`);
      await forEachBounded(ids, 50, async (id) => void (await workOrders.start({ workOrderId: id, seller: 'seller-a' })));
      const query = `TaskQueue = "${taskQueue}" AND WorkOrderStatus = "open"`;
      while ((await client.workflow.count(query)).count < to) await sleep(500);
    },
    stop: async () => {
      await nativeConnection.close();
      await connection.close();
      await sandbox.stop();
      await server.stop();
    },
  };
}

/** The local cluster in the dev server's place: its address, its processes (for CPU time), stop. */
async function clusterAsServer() {
  const cluster = await startCluster({ retention: '1d' });
  return {
    address: cluster.address,
    process: { pid: cluster.server.pid },
    database: { process: { pid: cluster.postgres.pid }, dataDir: cluster.postgres.dataDir },
    stop: () => cluster.stop(),
  };
}

/** The sandbox's record, over its admin endpoint. */
/** The 店小蜜 notifications the sandbox accepted, oldest first (`query`: more filters, e.g. `&afterSeq=`). */
export async function notifications(sandboxUrl: string, query = ''): ReturnType<typeof sandboxCalls> {
  return await sandboxCalls(sandboxUrl, `?method=${ALIMI_PROGRESS_NOTIFY}&outcome=ok${query}`);
}

export async function sandboxCalls(sandboxUrl: string, query = ''): Promise<{ seq: number; method: string; outcome: string; receivedAt: number; params: Record<string, any> }[]> {
  const response = await fetch(`${sandboxUrl}/admin/calls${query}`);
  return ((await response.json()) as { calls: never[] }).calls;
}

export async function setSandboxFaults(sandboxUrl: string, faults: object): Promise<void> {
  const response = await fetch(`${sandboxUrl}/admin/faults`, { method: 'PUT', body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(await response.text());
}

/** Runs `task` over `items` with at most `limit` in flight. */
export { forEachBounded as pool };
