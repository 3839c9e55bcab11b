/**
 * Benchmark 3: worker and dev-server memory with 100, 1,000 and 2,000 work orders open and waiting for
 * completion, then completing them all: time to drain and failures. The worker is `src/worker.ts` in its
 * own process (as `npm run worker` runs it), with a workflow cache of 500, so memory should stop
 * growing once the cache is full: beyond it, a work order lives in the server, not in the worker.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_DEFAULTS } from '../src/sandbox/server';
import { rssMiB, startNode } from '../src/dev/processes';
import { report, type Row } from './lib/report';
import { pool, startBenchStack } from './lib/stack';

const LEVELS = (process.env.BENCH_OPEN_LEVELS ?? '100,1000,2000').split(',').map(Number);
const CACHE = 500;

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const config = stack.config({ TEMPORAL_TASK_QUEUE: 'bench-open' });
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: stack.address,
    TEMPORAL_TASK_QUEUE: 'bench-open',
    TOP_GATEWAY_URL: stack.gatewayUrl,
    TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
    TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
    TOP_SESSIONS_FILE: config.TOP_SESSIONS_FILE,
    TOP_CALLS_PER_SECOND: '10000',
    WORKER_MAX_CACHED_WORKFLOWS: String(CACHE),
    WORKER_METRICS_ADDRESS: 'off',
    WORKER_HEALTH_ADDRESS: 'off',
  };
  const worker = await startNode('src/worker.ts', env, /worker on task queue/);
  const workOrders = stack.workOrders('bench-open');
  const rows: Row[] = [];
  const open: string[] = [];
  const baselineRss = rssMiB(worker.process.pid!);
  try {
    for (const level of LEVELS) {
      const ids = Array.from({ length: level - open.length }, (_, i) => `OPEN-${open.length + i}`);
      await pool(ids, 50, async (id) => {
        await workOrders.start({ workOrderId: id, seller: 'seller-a' }); // one TOP call to open, one to close
      });
      open.push(...ids);
      // Wait until every one has emitted its "created" event and is waiting.
      for (;;) {
        const opened = await stack.client.workflow.count(`WorkflowType = "workOrderWorkflow" AND WorkOrderStatus = "open"`);
        if (opened.count >= open.length) break;
        await sleep(500);
      }
      await sleep(2000); // let the worker settle
      rows.push({ 'open work orders': open.length, 'worker RSS MiB': rssMiB(worker.process.pid!), 'dev server RSS MiB': rssMiB(stack.server.process.pid!) });
    }
    const t0 = performance.now();
    let failed = 0;
    await pool(open, 50, async (id) => {
      await workOrders.complete(id, { resultMessage: 'drained' });
    });
    await pool(open, 50, async (id) => {
      const final = await workOrders.result(id);
      if (final.status !== 'completed') failed += 1;
    });
    const drainSeconds = (performance.now() - t0) / 1000;
    rows.push({ 'open work orders': 0, 'worker RSS MiB': rssMiB(worker.process.pid!), 'dev server RSS MiB': rssMiB(stack.server.process.pid!) });
    report('many-open', '3. Many open work orders: memory, then draining them all', rows, {
      drainSeconds,
      failed,
      workerRssAtStartMiB: baselineRss,
      note: `Worker started at ${baselineRss.toFixed(0)} MiB with a workflow cache of ${CACHE}. Completing all ${open.length}: **${drainSeconds.toFixed(1)} s** (${(open.length / drainSeconds).toFixed(1)} work orders/s), **${failed}** not completed. Each work order here makes two TOP calls (created, completed events).`,
    });
  } finally {
    await worker.stop();
    await stack.stop();
  }
}

void main();
