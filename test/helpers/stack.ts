import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Client, type Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { codecFromEnvironment, encryptingDataConverter } from '../../src/codec/aes-gcm-codec';
import { WorkOrderClient } from '../../src/client';
import type { WorkOrderView } from '../../src/work-order/view';
import { loadConfig, type Config } from '../../src/worker/config';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import { createWorker } from '../../src/worker';
import { startLocalTemporal, type LocalTemporalOptions } from '../../dev/temporal-server';
import { tracingClientInterceptors } from '../../src/client';
import type { Tracing } from '../../src/worker/tracing';
import { TopSandbox } from '../../src/sandbox/server';
import { SELLER_A_SESSION, SELLER_B_SESSION } from './sandbox';
import { installQuietRuntime } from './temporal';

export interface Stack {
  env: TestWorkflowEnvironment;
  sandbox: TopSandbox;
  client: WorkOrderClient;
  config: Config;
  /** Rewrites the worker's session store (seller → session key). */
  writeSessions: (sessions: Record<string, string>) => void;
}

export const DEFAULT_SESSIONS = { 'seller-a': SELLER_A_SESSION, 'seller-b': SELLER_B_SESSION };

export interface StackOptions {
  /** The worker's tracing; by default interceptors run and record nothing, as in production without OTLP. */
  tracing?: Tracing;
  /** E.g. `uiPort` to serve the Temporal UI. */
  temporal?: Omit<LocalTemporalOptions, 'searchAttributes'>;
}

/** A Temporal that is already running, as the product's worker and client reach it. */
export interface TemporalConnections {
  connection: Connection;
  nativeConnection: NativeConnection;
  namespace?: string;
}

export type Product = Omit<Stack, 'env'> & {
  /** Stops the worker and the sandbox (not Temporal): before the server they talk to. */
  stop: () => Promise<void>;
};

/** The worker's configuration against the sandbox, as the tests run it: a task queue of its own, a budget no test reaches. */
export function testWorkerConfig(sandbox: TopSandbox, sessionsFile: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    TEMPORAL_TASK_QUEUE: `work-orders-${randomUUID()}`,
    TOP_GATEWAY_URL: sandbox.gatewayUrl,
    TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
    TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
    TOP_SESSIONS_FILE: sessionsFile,
    TOP_CALLS_PER_SECOND: '1000',
    WORKER_SHUTDOWN_GRACE_MS: '2000',
    ...overrides,
  });
}

/**
 * The product on a running Temporal: the TOP sandbox, the worker built by src/worker.ts with a
 * configuration that points at both, and a client built as WorkOrderClient.fromEnvironment builds it.
 */
export async function startProduct(temporal: TemporalConnections, overrides: Record<string, string> = {}, options: Pick<StackOptions, 'tracing'> = {}): Promise<Product> {
  const sandbox = new TopSandbox();
  await sandbox.start();
  const sessionsFile = join(mkdtempSync(join(tmpdir(), 'wo-sessions-')), 'sessions.json');
  const writeSessions = (sessions: Record<string, string>) => writeFileSync(sessionsFile, JSON.stringify(sessions));
  writeSessions(DEFAULT_SESSIONS);
  const config = testWorkerConfig(sandbox, sessionsFile, { ...(temporal.namespace ? { TEMPORAL_NAMESPACE: temporal.namespace } : {}), ...overrides });
  const { worker, close } = await createWorker(config, temporal.nativeConnection, { namespace: temporal.namespace, tracing: options.tracing });
  const running = worker.run();
  // Tracing interceptors, and with payload encryption configured, the same codec as the worker.
  const codec = codecFromEnvironment(config);
  const temporalClient = new Client({
    connection: temporal.connection,
    namespace: temporal.namespace,
    dataConverter: codec ? encryptingDataConverter(codec) : undefined,
    interceptors: tracingClientInterceptors(),
  });
  return {
    sandbox,
    client: new WorkOrderClient(temporalClient, config.TEMPORAL_TASK_QUEUE),
    config,
    writeSessions,
    stop: async () => {
      worker.shutdown();
      await running;
      await close();
      await sandbox.close();
    },
  };
}

/**
 * The real product for one test file: a Temporal dev server, and on it the product (startProduct).
 * Everything stops when the file ends.
 */
export async function startStack(overrides: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
  installQuietRuntime();
  const env = await startLocalTemporal({ ...options.temporal, searchAttributes: WORK_ORDER_SEARCH_ATTRIBUTES });
  const { stop, ...product } = await startProduct(env, overrides, options);
  // One hook, in reverse order of start: the worker must stop before the server it talks to.
  after(async () => {
    await stop();
    await env.teardown();
  });
  return { env, ...product };
}

/** A work order's status once `holds` says so, polled (bounded by `eventually`). */
export async function statusWhere(client: WorkOrderClient, id: string, what: string, holds: (view: WorkOrderView) => boolean): Promise<WorkOrderView> {
  return await eventually(async () => {
    const view = await client.status(id);
    return holds(view) ? view : undefined;
  }, `${id}: ${what}`);
}

/** Polls `probe` until it returns a value that is not undefined (bounded: a test never hangs). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
