/**
 * `npm run demo`: the whole product on one machine. Starts a Temporal dev server with its UI and the TOP
 * sandbox (unless TEMPORAL_ADDRESS / TOP_GATEWAY_URL point elsewhere), runs the worker, and drives a few
 * sample work orders through their nodes while printing what happens. Ctrl-C stops everything.
 * `npm run demo -- --cluster` runs it on a local production topology instead: the full Temporal server
 * on PostgreSQL (dev/cluster), in a new temporary directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { WorkOrderClient } from '../../src/client';
import { loadConfig } from '../../src/worker/config';
import { SANDBOX_DEFAULTS, TopSandbox } from '../../src/sandbox/server';
import type { RecordedCall } from '../../src/sandbox/recorder';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import type { WorkOrderView } from '../../src/work-order/view';
import { createWorker } from '../../src/worker';
import { startLocalTemporal } from '../temporal-server';
import { startCluster } from '../cluster/cluster';
import { demoSamples, type Sample } from './samples';

const DATA_DIR = resolve(__dirname, '../../.data');
/** DEMO_RANDOM_PORTS=1 picks free ports (for tests); otherwise the usual 7233 / 8233 / 8790. */
const randomPorts = process.env.DEMO_RANDOM_PORTS === '1';
/** DEMO_EXIT_WHEN_DONE=1 stops once every sample has finished, instead of waiting for Ctrl-C. */
const exitWhenDone = process.env.DEMO_EXIT_WHEN_DONE === '1';

const cleanups: (() => Promise<unknown>)[] = [];
/** Set on Ctrl-C: whatever the samples were doing fails as their connections close, and is not an error. */
let stopping = false;
const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

async function main(): Promise<void> {
  // The demo stops on Ctrl-C itself, whatever the work orders are doing: the SDK's own signal handling would
  // stop only the worker and leave the samples waiting for it.
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());

  // 1. Temporal: the user's, or a local dev server with its UI.
  let address = process.env.TEMPORAL_ADDRESS;
  let namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  let uiUrl: string | undefined;
  if (!address && process.argv.includes('--cluster')) {
    say('starting a local cluster: PostgreSQL and the full Temporal server…');
    const cluster = await startCluster();
    cleanups.push(() => cluster.stop());
    address = cluster.address;
    namespace = cluster.namespace;
    say(`Temporal ${cluster.binaries.serverVersion} on PostgreSQL at ${address} (data and logs in ${cluster.dir}; no UI: see the README)`);
  }
  if (!address) {
    say('starting the Temporal dev server (with UI)…');
    const env = await startLocalTemporal({
      searchAttributes: WORK_ORDER_SEARCH_ATTRIBUTES,
      ...(randomPorts ? { uiPort: 0 } : { port: 7233, uiPort: 8233 }),
    }).catch(() => startLocalTemporal({ searchAttributes: WORK_ORDER_SEARCH_ATTRIBUTES, uiPort: 0 }));
    cleanups.push(() => env.teardown());
    address = env.address;
    namespace = 'default';
    const [host, port] = address.split(':');
    uiUrl = `http://${host}:${Number(port) + 1000}`;
  }

  // 2. TOP: the real gateway if configured, else the local sandbox with its built-in app and sellers.
  let sandbox: TopSandbox | undefined;
  const topEnv: Record<string, string | undefined> = { ...process.env };
  if (!process.env.TOP_GATEWAY_URL) {
    sandbox = new TopSandbox({ port: randomPorts ? 0 : 8790 });
    await sandbox.start().catch(async () => {
      sandbox = new TopSandbox();
      await sandbox.start();
    });
    cleanups.push(() => sandbox!.close());
    mkdirSync(DATA_DIR, { recursive: true });
    const sessionsFile = join(DATA_DIR, 'demo-sessions.json');
    const sellers = Object.fromEntries(Object.entries(SANDBOX_DEFAULTS.sessions).map(([session, grant]) => [grant.seller, session]));
    writeFileSync(sessionsFile, JSON.stringify(sellers, null, 2));
    Object.assign(topEnv, { TOP_GATEWAY_URL: sandbox.gatewayUrl, TOP_APP_KEY: SANDBOX_DEFAULTS.appKey, TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret, TOP_SESSIONS_FILE: sessionsFile });
    say(`TOP sandbox: ${sandbox.gatewayUrl} (calls: ${sandbox.url}/admin/calls)`);
  }
  const config = loadConfig(topEnv);

  // 3. The worker, as `npm run worker` builds it.
  const { connectionOptions } = loadClientConnectConfig();
  const nativeConnection = await NativeConnection.connect({ ...connectionOptions, address });
  const { worker, close } = await createWorker(config, nativeConnection, { namespace });
  const running = worker.run();
  cleanups.unshift(async () => {
    worker.shutdown();
    await running;
    await close();
    await nativeConnection.close();
  });
  say(`worker running on task queue ${config.TEMPORAL_TASK_QUEUE}`);

  // 4. Sample work orders, driven as a backend service would.
  const connection = await Connection.connect({ ...connectionOptions, address });
  cleanups.unshift(() => connection.close());
  const workOrders = new WorkOrderClient(new Client({ connection, namespace }), config.TEMPORAL_TASK_QUEUE);
  const samples = demoSamples(Date.now().toString(36));
  if (sandbox) sandbox.setFaults({ flakyIds: samples.filter((s) => s.flaky).map((s) => s.input.workOrderId), flakyRate: 0.3 });
  if (uiUrl) {
    say(`Temporal UI: ${uiUrl}/namespaces/${namespace}/workflows`);
    say(`  filter, e.g.: WorkOrderStatus = "open"   or   WorkOrderId = "${samples[0]!.input.workOrderId}"`);
  }
  const watching = watch(workOrders, samples, sandbox);
  await Promise.all(samples.map((sample) => drive(workOrders, sample)));
  const finals = await Promise.all(samples.map((s) => workOrders.result(s.input.workOrderId)));
  await watching.stop();

  console.log('\nwork order                 status      node                 TOP calls accepted');
  for (const [i, final] of finals.entries()) {
    const accepted = sandbox ? sandbox.calls({ outcome: 'ok' }).filter((c) => JSON.stringify(c.params).includes(final.workOrderId)).length : '-';
    console.log(`${final.workOrderId.padEnd(26)} ${final.status.padEnd(11)} ${final.currentNode.padEnd(20)} ${accepted}   (${samples[i]!.title})`);
  }
  console.log(`\n${finals.length} of ${samples.length} work orders finished.`);
  if (uiUrl) console.log(`Look at them in the Temporal UI: ${uiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent('WorkflowType="workOrderWorkflow"')}`);
  if (exitWhenDone) return;
  console.log('Ctrl-C stops the demo (worker, sandbox, Temporal).');
  await new Promise<never>(() => undefined); // until stop() exits
}

/** Ctrl-C: stop the worker, the sandbox and Temporal in order, then exit; a second Ctrl-C exits at once. */
async function stop(): Promise<void> {
  if (stopping) process.exit(130);
  stopping = true;
  say('stopping: worker, sandbox, Temporal… (Ctrl-C again to quit at once)');
  await shutdown();
  process.exit(0);
}

async function drive(client: WorkOrderClient, sample: Sample): Promise<void> {
  const id = sample.input.workOrderId;
  await client.start(sample.input);
  for (const report of sample.progress) {
    await sleep(700);
    await client.reportProgress(id, report);
  }
  await sleep(700);
  if ('complete' in sample.end) await client.complete(id, sample.end.complete);
  else await client.cancel(id, sample.end.cancel);
}

/** Prints each TOP call the sandbox receives and each change of a work order's status or node. */
function watch(client: WorkOrderClient, samples: Sample[], sandbox: TopSandbox | undefined) {
  let stopped = false;
  let seenSeq = 0;
  const last = new Map<string, string>();
  const loop = (async () => {
    while (!stopped) {
      for (const call of sandbox?.calls({ afterSeq: seenSeq }) ?? []) {
        seenSeq = call.seq;
        say(`  TOP ← ${describeCall(call)}`);
      }
      for (const sample of samples) {
        const view: WorkOrderView | undefined = await client.status(sample.input.workOrderId).catch(() => undefined);
        if (!view) continue;
        const line = `${view.status} @ ${view.currentNode}`;
        if (last.get(view.workOrderId) !== line) {
          last.set(view.workOrderId, line);
          say(`${view.workOrderId}: ${line} — waiting for ${view.waitingFor}`);
        }
      }
      await sleep(250);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

function describeCall(call: RecordedCall): string {
  const p = call.params as {
    event_id?: string;
    work_order_id?: string;
    param?: { outer_case_id?: string; operate_type?: number };
    work_order_notify_dxm_command?: { work_order_id?: string; current_node?: string; completed?: boolean };
  };
  const notify = p.work_order_notify_dxm_command;
  const what = p.param
    ? `case ${p.param.outer_case_id} operate_type ${p.param.operate_type}`
    : notify
      ? `${notify.work_order_id} node ${notify.current_node}${notify.completed ? ' (final)' : ''}`
      : `event ${p.event_id}`;
  return `${call.method} [${call.outcome}] ${what}`;
}

async function shutdown(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
}

main()
  .then(shutdown)
  .catch(async (error: unknown) => {
    if (stopping) return;
    console.error(error instanceof Error ? error.message : error);
    await shutdown();
    process.exitCode = 1;
  });
