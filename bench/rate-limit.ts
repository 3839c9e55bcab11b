/**
 * Benchmark 4: flow control under the TOP rate limit. The sandbox limits the app to N calls/s (code 7 and
 * a 2 s ban beyond it), counted in fixed one-second windows or, as a second case, over a sliding second.
 * 200 work orders are pushed through at once, each making 4 TOP calls, by 1 and by 3 worker processes on
 * one task queue, all with the same budget (TOP_CALLS_PER_SECOND, shared through TOP_WORKER_COUNT).
 * Three runs per case. Reported: accepted calls/s while busy as a share of N, calls refused with code 7 as
 * a share of accepted calls, time to finish, failed work orders.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, report, type Row } from './lib/report';
import { pool, sandboxCalls, setSandboxFaults, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 40);
/** The budget the README recommends: the quota less one call per worker process (see README, flow control). */
const budgetFor = (workers: number) => Number(process.env.BENCH_BUDGET ?? LIMIT - workers);
const WORK_ORDERS = Number(process.env.BENCH_WORK_ORDERS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WINDOWS = ['fixed', 'sliding'] as const;
const WORKERS = [1, 3];

interface Run {
  sharePercent: number;
  refusedPercent: number;
  seconds: number;
  failed: number;
  accepted: number;
  refused: number;
}

async function run(stack: BenchStack, window: (typeof WINDOWS)[number], workers: number, index: number): Promise<Run> {
  const taskQueue = `rate-${window}-${workers}-${index}-${Date.now().toString(36)}`;
  const budget = budgetFor(workers);
  const children = await Promise.all(
    Array.from({ length: workers }, () => stack.startWorker(WORKER_ENTRIES.ours, taskQueue, { TOP_CALLS_PER_SECOND: String(budget), TOP_WORKER_COUNT: String(workers) })),
  );
  await sleep(3_000); // the previous case's last ban is long over, and the workers are polling
  await setSandboxFaults(stack.sandboxUrl, { rateLimit: { callsPerSecond: LIMIT, banSeconds: 2, window } });
  const workOrders = stack.workOrders(taskQueue);
  const ids = Array.from({ length: WORK_ORDERS }, (_, i) => `${taskQueue}-${i}`);
  let failed = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  try {
    await pool(ids, WORK_ORDERS, async (id) => {
      await workOrders.start({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` } });
      await workOrders.complete(id, { resultMessage: 'done' });
      const final = await workOrders.result(id);
      if (final.status !== 'completed') failed += 1;
    });
  } finally {
    for (const child of children) await child.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  await setSandboxFaults(stack.sandboxUrl, {});
  const calls = (await sandboxCalls(stack.sandboxUrl)).filter((call) => call.receivedAt >= startedAt);
  const ok = calls.filter((call) => call.outcome === 'ok');
  const refused = calls.filter((call) => call.outcome === 'rate-limited').length;
  // Accepted calls per second while the backlog lasts: whole seconds from the first call, less the first
  // (ramp-up) and the last fifth (the final stragglers).
  const perSecond: number[] = [];
  for (const call of ok) {
    const second = Math.floor((call.receivedAt - ok[0]!.receivedAt) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  const busy = Array.from(perSecond, (n) => n ?? 0).slice(1, -Math.max(1, Math.ceil(perSecond.length * 0.2)));
  const busyMedian = percentile(busy.sort((a, b) => a - b), 50);
  const result = { sharePercent: (100 * busyMedian) / LIMIT, refusedPercent: (100 * refused) / ok.length, seconds, failed, accepted: ok.length, refused };
  console.log(`${window} window, ${workers} worker(s), run ${index + 1}: ${JSON.stringify(result)}`);
  return result;
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const rows: Row[] = [];
  const raw: Record<string, Run[]> = {};
  try {
    for (const window of WINDOWS) {
      for (const workers of WORKERS) {
        const runs: Run[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await run(stack, window, workers, i));
        raw[`${window}/${workers}`] = runs;
        const range = (pick: (r: Run) => number, digits: number) => {
          const values = runs.map(pick);
          return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
        };
        const median = (pick: (r: Run) => number) => percentile(runs.map(pick).sort((a, b) => a - b), 50);
        rows.push({
          window,
          'worker processes': workers,
          'budget calls/s': budgetFor(workers),
          '% of N while busy (median)': median((r) => r.sharePercent),
          '% of N, runs': range((r) => r.sharePercent, 0),
          'refused / accepted % (median)': median((r) => r.refusedPercent),
          'refused / accepted %, runs': range((r) => r.refusedPercent, 2),
          'time s (median)': median((r) => r.seconds),
          'failed work orders': runs.reduce((sum, r) => sum + r.failed, 0),
        });
      }
    }
  } finally {
    await stack.stop();
  }
  report('rate-limit', `4. Flow control: ${WORK_ORDERS} work orders at once, app limited to N = ${LIMIT} calls/s, 2 s bans`, rows, {
    note: `${RUNS} runs per case; each work order makes 4 TOP calls (${WORK_ORDERS * 4} per run). Budget: TOP_CALLS_PER_SECOND = N − TOP_WORKER_COUNT, shared by the workers (each paces at budget / workers); the Temporal server caps the task queue at the same budget. A ban TOP states holds every call it covers in that worker until it ends. Targets: ≥ 95% of N while busy, refused ≤ 1% of accepted, 0 failed work orders.`,
    runs: raw,
  });
}

void main();
