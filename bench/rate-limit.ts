/**
 * Benchmark 4: the sandbox limits the app to N calls/s (code 7 with a ban beyond it) and 200 work orders
 * are pushed through at once. The worker's task-queue activity rate is set to the same N, so it should
 * stay under the limit rather than discover it by being banned.
 */
import { performance } from 'node:perf_hooks';
import { createWorker } from '../src/worker';
import { report } from './lib/report';
import { pool, sandboxCalls, setSandboxFaults, startBenchStack } from './lib/stack';

const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 40);
/** The worker's budget: 90% of the gateway's limit, the headroom the README recommends. */
const BUDGET = Number(process.env.BENCH_WORKER_RATE ?? Math.floor(LIMIT * 0.9));
const WORK_ORDERS = 200;

async function main(): Promise<void> {
  const stack = await startBenchStack();
  await setSandboxFaults(stack.sandboxUrl, { rateLimit: { callsPerSecond: LIMIT, banSeconds: 2 } });
  const config = stack.config({ TEMPORAL_TASK_QUEUE: 'bench-rate', TOP_CALLS_PER_SECOND: String(BUDGET) });
  const { worker, top } = await createWorker(config, stack.nativeConnection);
  const running = worker.run();
  const workOrders = stack.workOrders('bench-rate');
  const ids = Array.from({ length: WORK_ORDERS }, (_, i) => `RATE-${i}-${Date.now().toString(36)}`);
  let failed = 0;
  const t0 = performance.now();
  try {
    await pool(ids, WORK_ORDERS, async (id) => {
      await workOrders.start({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` } });
      await workOrders.complete(id, { resultMessage: 'done' });
      const final = await workOrders.result(id);
      if (final.status !== 'completed') failed += 1;
    });
  } finally {
    worker.shutdown();
    await running;
    await top.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const calls = await sandboxCalls(stack.sandboxUrl);
  await stack.stop();
  const ok = calls.filter((c) => c.outcome === 'ok');
  const bans = calls.filter((c) => c.outcome === 'rate-limited').length;
  // Sustained rate: accepted calls over the span in which calls were being accepted.
  const span = (ok.at(-1)!.receivedAt - ok[0]!.receivedAt) / 1000;
  const sustained = ok.length / span;
  const start = calls[0]!.receivedAt;
  const bucket = (at: number) => Math.floor((at - start) / 1000);
  const perSecond: number[] = [];
  const okPerSecond: number[] = [];
  for (const call of calls) perSecond[bucket(call.receivedAt)] = (perSecond[bucket(call.receivedAt)] ?? 0) + 1;
  for (const call of ok) okPerSecond[bucket(call.receivedAt)] = (okPerSecond[bucket(call.receivedAt)] ?? 0) + 1;
  // While the backlog lasts (the middle of the run, not the ramp-up or the last stragglers).
  const busy = Array.from(okPerSecond, (n) => n ?? 0).slice(1, -Math.max(1, Math.ceil(okPerSecond.length * 0.2)));
  const busyMedian = busy.sort((a, b) => a - b)[Math.floor(busy.length / 2)] ?? NaN;
  report(
    'rate-limit',
    `4. Under the TOP rate limit: ${WORK_ORDERS} work orders at once, app limited to ${LIMIT} calls/s`,
    [{ 'limit N calls/s': LIMIT, 'worker budget calls/s': BUDGET, 'median accepted calls/s while busy': busyMedian, '% of N': (100 * busyMedian) / LIMIT, 'average over the run': sustained, 'calls accepted': ok.length, 'code-7 bans hit': bans, 'failed work orders': failed, 'total s': seconds }],
    {
      callsArrivingPerSecond: Array.from(perSecond, (n) => n ?? 0),
      acceptedPerSecond: Array.from(okPerSecond, (n) => n ?? 0),
      note: `Each work order makes 4 TOP calls (created event, first and final 店小蜜 node, completed event): ${ok.length} accepted. The worker's budget (TOP_CALLS_PER_SECOND) is enforced by the Temporal server as the task queue's activity rate; a banned call is retried only after the ban the gateway states (2 s here) plus a random spread, never sooner. Targets: ≥ 90% of N sustained, zero failed work orders, bans honoured by waiting.`,
    },
  );
}

void main();
