/**
 * Fault scenarios shared by the fast subset in `npm test`, the cluster tests and the full runs of
 * `npm run chaos`. Each one runs real processes — Temporal (the dev server, or the full server on
 * PostgreSQL), the worker (`src/worker.ts`) — and the TOP sandbox, injects a fault class, and reports
 * what happened to every work order and every TOP call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { WorkOrderClient } from '../../src/client';
import { bundleWorkOrderWorkflows } from '../../src/worker/workflow-bundle';
import { startDevServer, startNode, type Child, type CommandWrapper } from '../../dev/processes';
import type { RecordedCall } from '../../src/sandbox/recorder';
import { SANDBOX_DEFAULTS, TopSandbox } from '../../src/sandbox/server';
import type { FaultsInput } from '../../src/sandbox/faults';
import { belongsTo, describeCall, fullWorkOrder } from '../helpers/work-orders';

export interface ChaosReport {
  scenario: string;
  workOrders: number;
  completed: number;
  failedOrStuck: string[];
  /** Accepted TOP calls beyond one per (work order, step). */
  repeatedCalls: number;
  /** Repeats whose idempotency keys differed from the first call: must be zero. */
  repeatsWithDifferentKeys: number;
  /** Every call that reached the sandbox, accepted or not. */
  callsMade: number;
  seconds: number;
  notes: string[];
}

const EXPECTED_STEPS = ['emit:created', 'case:1', 'notify:accepted', 'notify:working', 'notify:completed!', 'case:2', 'emit:completed'];

/** The Temporal service a scenario runs against, and the crashes it can suffer. */
export interface TemporalBackend {
  address: string;
  namespace: string;
  /** kill -9 of the server, then a new one on the same database and port. */
  crashServer(): Promise<string>;
  /** The database restarted under a running server (the full server only). */
  restartDatabase?(): Promise<string>;
  /** Ends what this backend started (a shared cluster stays up). */
  close(): Promise<void>;
}

/** A dev server of its own, on a SQLite file, as `npm test`'s fast subset runs. */
export async function devServerBackend(): Promise<TemporalBackend> {
  let server = await startDevServer();
  return {
    address: server.address,
    namespace: 'default',
    crashServer: async () => {
      const { port, db } = server;
      await server.kill();
      await sleep(2000);
      server = await startDevServer({ port, db });
      return 'dev server killed and restarted on the same database file';
    },
    close: () => server.stop(),
  };
}

export interface Rig {
  sandbox: TopSandbox;
  temporal: TemporalBackend;
  startWorker(): Promise<Child>;
  client: WorkOrderClient;
  close(): Promise<void>;
}

export interface RigOptions {
  backend?: TemporalBackend;
  /** Where the TOP sandbox listens (loopback by default). */
  sandboxHost?: string;
  /** How worker processes are started, e.g. inside a network namespace. */
  wrapWorker?: CommandWrapper;
}

let bundlePath: string | undefined;

/** Workers start from a prebuilt workflow bundle, as in production: a restarted worker is back in a second. */
async function workflowBundle(): Promise<string> {
  if (!bundlePath) {
    const { code } = await bundleWorkOrderWorkflows();
    bundlePath = join(mkdtempSync(join(tmpdir(), 'chaos-bundle-')), 'workflow-bundle.js');
    writeFileSync(bundlePath, code);
  }
  return bundlePath;
}

export async function rig(workerEnv: Record<string, string> = {}, options: RigOptions = {}): Promise<Rig> {
  const bundle = await workflowBundle();
  const temporal = options.backend ?? (await devServerBackend());
  const taskQueue = `chaos-${Math.random().toString(36).slice(2, 8)}`; // scenarios may share a cluster
  const sandbox = new TopSandbox({ host: options.sandboxHost });
  await sandbox.start();
  const sessionsFile = join(mkdtempSync(join(tmpdir(), 'chaos-')), 'sessions.json');
  writeFileSync(sessionsFile, JSON.stringify({ 'seller-a': Object.keys(SANDBOX_DEFAULTS.sessions)[0] }));
  const connection = await Connection.connect({ address: temporal.address });
  const r: Rig = {
    sandbox,
    temporal,
    startWorker: () =>
      startNode(
        'src/worker.ts',
        {
          TEMPORAL_ADDRESS: temporal.address,
          TEMPORAL_NAMESPACE: temporal.namespace,
          TEMPORAL_TASK_QUEUE: taskQueue,
          TOP_GATEWAY_URL: sandbox.gatewayUrl,
          TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
          TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
          TOP_SESSIONS_FILE: sessionsFile,
          TOP_CALLS_PER_SECOND: '1000',
          WORKER_SHUTDOWN_GRACE_MS: '1000',
          WORKFLOW_BUNDLE_PATH: bundle,
          WORKER_METRICS_ADDRESS: 'off', // several runs share the machine's ports
          WORKER_HEALTH_ADDRESS: 'off',
          ...workerEnv,
        },
        /worker on task queue/,
        options.wrapWorker,
      ),
    client: new WorkOrderClient(new Client({ connection, namespace: temporal.namespace }), taskQueue),
    close: async () => {
      await connection.close();
      await sandbox.close();
      await temporal.close();
    },
  };
  return r;
}

/** Starts, reports one progress, completes; returns once every work order has been sent everything. */
export async function drive(client: WorkOrderClient, ids: string[]): Promise<void> {
  const inFlight = 25;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await retrying(() => client.start(fullWorkOrder(id, { alime: { asyncCode: `ac-${id}`, firstNode: 'accepted' } })));
        await retrying(() => client.reportProgress(id, { progressId: 'p1', node: 'working' }));
        await retrying(() => client.complete(id, { resultMessage: 'done' }));
      }
    }),
  );
}

/** A backend retries its own calls while the server restarts; the ids make that safe. */
async function retrying<T>(call: () => Promise<T>, deadline = Date.now() + 120_000): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

export async function settle(client: WorkOrderClient, ids: string[], timeoutMs: number): Promise<{ completed: number; failedOrStuck: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const failedOrStuck: string[] = [];
  let completed = 0;
  for (const id of ids) {
    for (;;) {
      const view = await client.status(id).catch(() => undefined);
      if (view?.status === 'completed') {
        completed += 1;
        break;
      }
      if (Date.now() > deadline) {
        failedOrStuck.push(`${id}: ${view ? `${view.status}, waiting for ${view.waitingFor}` : 'no status'}`);
        break;
      }
      await sleep(250);
    }
  }
  return { completed, failedOrStuck };
}

/** Repeated accepted calls per (work order, step), and whether each repeat carried the first call's keys. */
function repeats(calls: RecordedCall[], ids: string[]): { repeatedCalls: number; repeatsWithDifferentKeys: number; wrongSequences: string[] } {
  let repeatedCalls = 0;
  let repeatsWithDifferentKeys = 0;
  const wrongSequences: string[] = [];
  for (const id of ids) {
    const mine = calls.filter((c) => c.outcome === 'ok' && belongsTo(c, id));
    const byStep = new Map<string, string[]>();
    for (const call of mine) {
      const step = describeCall(call);
      byStep.set(step, [...(byStep.get(step) ?? []), JSON.stringify(call.params)]);
    }
    for (const versions of byStep.values()) {
      repeatedCalls += versions.length - 1;
      repeatsWithDifferentKeys += versions.filter((v) => v !== versions[0]).length;
    }
    const distinct = [...byStep.keys()];
    if (JSON.stringify(distinct) !== JSON.stringify(EXPECTED_STEPS)) wrongSequences.push(`${id}: ${distinct.join(' ')}`);
  }
  return { repeatedCalls, repeatsWithDifferentKeys, wrongSequences };
}

/** What the sandbox saw for these work orders, as a report. */
export function summarise(scenario: string, sandbox: TopSandbox, ids: string[], settled: { completed: number; failedOrStuck: string[] }, started: number, notes: string[], problems: string[] = []): ChaosReport {
  const calls = sandbox.calls();
  const rep = repeats(calls, ids);
  return {
    scenario,
    workOrders: ids.length,
    completed: settled.completed,
    failedOrStuck: [...settled.failedOrStuck, ...rep.wrongSequences, ...problems],
    repeatedCalls: rep.repeatedCalls,
    repeatsWithDifferentKeys: rep.repeatsWithDifferentKeys,
    callsMade: calls.length,
    seconds: (Date.now() - started) / 1000,
    notes,
  };
}

export interface WorkerCrashOptions {
  /** Worker processes on the one task queue; the first is the one killed. */
  workers?: number;
  /** Start the killed worker again (the others carry on either way). */
  restart?: boolean;
  backend?: TemporalBackend;
}

/** 1. `kill -9` a worker at random moments while work orders run. */
export async function workerCrashes(workOrders: number, kills: number, options: WorkerCrashOptions = {}, tag = Date.now().toString(36)): Promise<ChaosReport> {
  const { workers: count = 1, restart = true } = options;
  const r = await rig({}, { backend: options.backend });
  const started = Date.now();
  const ids = Array.from({ length: workOrders }, (_, i) => `CRASH-${tag}-${i}`);
  const workers = await Promise.all(Array.from({ length: count }, () => r.startWorker()));
  const notes: string[] = [];
  try {
    const driving = drive(r.client, ids);
    for (let k = 0; k < kills; k++) {
      // Kill mid-work: once the restarted worker has got some calls through, never during its start-up.
      const target = r.sandbox.calls({ outcome: 'ok' }).length + 5 + Math.floor(Math.random() * 25);
      const deadline = Date.now() + 60_000;
      while (r.sandbox.calls({ outcome: 'ok' }).length < target && Date.now() < deadline) await sleep(20);
      await workers[0]!.kill();
      notes.push(`kill -9 #${k + 1} of ${count === 1 ? 'the worker' : `one of ${count} workers`} after ${((Date.now() - started) / 1000).toFixed(1)} s, ${r.sandbox.calls({ outcome: 'ok' }).length} calls accepted so far`);
      if (restart) workers[0] = await r.startWorker();
    }
    await driving;
    const settled = await settle(r.client, ids, 180_000);
    return summarise(count === 1 ? 'worker kill -9' : `kill -9 of one of ${count} workers`, r.sandbox, ids, settled, started, notes);
  } finally {
    for (const worker of workers) await worker.stop();
    await r.close();
  }
}

/**
 * 2. Temporal's server killed with -9 and started again on its database, or (the full server only) its
 * database restarted under it, mid-run.
 */
export async function serverRestart(workOrders: number, options: { backend?: TemporalBackend; fault?: 'server' | 'database' } = {}, tag = Date.now().toString(36)): Promise<ChaosReport> {
  const { fault = 'server' } = options;
  const r = await rig({}, { backend: options.backend });
  const restart = fault === 'server' ? () => r.temporal.crashServer() : r.temporal.restartDatabase?.bind(r.temporal);
  if (!restart) throw new Error('this Temporal backend cannot restart its database');
  const started = Date.now();
  const ids = Array.from({ length: workOrders }, (_, i) => `RESTART-${tag}-${i}`);
  const notes: string[] = [];
  // Like a process manager would: a worker that exits (e.g. when the server stays away too long) is restarted.
  let worker = await r.startWorker();
  let supervising = true;
  const supervisor = (async () => {
    while (supervising) {
      if (worker.process.exitCode !== null) {
        notes.push(`worker exited with ${worker.process.exitCode}; restarted`);
        worker = await r.startWorker().catch(() => worker);
      }
      await sleep(500);
    }
  })();
  try {
    const driving = drive(r.client, ids);
    await sleep(1500);
    notes.push(`${fault} fault after ${((Date.now() - started) / 1000).toFixed(1)} s with ${r.sandbox.calls({ outcome: 'ok' }).length} calls accepted`);
    notes.push(await restart());
    await driving;
    const settled = await settle(r.client, ids, 180_000);
    supervising = false;
    await supervisor;
    return summarise(fault === 'server' ? 'Temporal server kill -9 and restart' : 'database restarted under the server', r.sandbox, ids, settled, started, notes);
  } finally {
    await worker.stop();
    await r.close();
  }
}

/** 3. Transport and platform faults from TOP: every work order must still complete. */
export async function topFaults(workOrders: number, faults: FaultsInput, label: string, tag = Date.now().toString(36)): Promise<ChaosReport> {
  const r = await rig({ TOP_REQUEST_TIMEOUT_MS: '1000' });
  const started = Date.now();
  const ids = Array.from({ length: workOrders }, (_, i) => `TOPF-${tag}-${i}`);
  const worker = await r.startWorker();
  r.sandbox.setFaults(faults);
  try {
    await drive(r.client, ids);
    const settled = await settle(r.client, ids, 240_000);
    const outcomes = new Map<string, number>();
    for (const call of r.sandbox.calls()) outcomes.set(call.outcome, (outcomes.get(call.outcome) ?? 0) + 1);
    return summarise(`TOP: ${label}`, r.sandbox, ids, settled, started, [`sandbox outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`]);
  } finally {
    await worker.stop();
    await r.close();
  }
}

/**
 * 4. Business and authorization refusals: the work order stops retrying (one refused call each), shows
 * why, and completes after the cause is fixed and an operator retries.
 */
export async function refusals(workOrders: number, tag = Date.now().toString(36)): Promise<ChaosReport> {
  const r = await rig();
  const started = Date.now();
  const ids = Array.from({ length: workOrders }, (_, i) => `REFUSED-${tag}-${i}`);
  const worker = await r.startWorker();
  r.sandbox.setFaults({ businessErrorIds: ids });
  const notes: string[] = [];
  try {
    for (const id of ids) await r.client.start(fullWorkOrder(id, { alime: { asyncCode: `ac-${id}`, firstNode: 'accepted' } }));
    for (const id of ids) {
      for (;;) {
        const view = await r.client.status(id);
        if (view.status === 'failed') break;
        await sleep(200);
      }
    }
    await sleep(3000); // would a hot loop show up?
    const refusedCalls = r.sandbox.calls({ outcome: 'business-error' }).length;
    notes.push(`${refusedCalls} refused calls for ${workOrders} work orders while they waited (1 each expected), then fixed and retried`);
    r.sandbox.setFaults({});
    for (const id of ids) await r.client.retry(id);
    for (const id of ids) {
      await retrying(() => r.client.reportProgress(id, { progressId: 'p1', node: 'working' }));
      await r.client.complete(id, { resultMessage: 'done' });
    }
    const settled = await settle(r.client, ids, 120_000);
    const hotLoop = refusedCalls > workOrders ? [`${refusedCalls - workOrders} refused calls beyond one per work order`] : [];
    return summarise('TOP: business refusal, then operator retry', r.sandbox, ids, settled, started, notes, hotLoop);
  } finally {
    await worker.stop();
    await r.close();
  }
}
