/**
 * `rate-limit`: flow control under the TOP rate limit. The sandbox limits the app to N calls/s (code 7 and
 * a 2 s ban beyond it), counted in fixed one-second windows or, as a second case, over a sliding second.
 * 200 work orders are pushed through at once, each making 4 TOP calls, by 1 and by 3 worker processes on
 * one task queue, all with the same budget (TOP_CALLS_PER_SECOND, shared through TOP_WORKER_COUNT); three
 * workers either pace on their own (budget N − 3) or take turns on one schedule (TOP_WORKER_INDEX, N − 1).
 * Three runs per case. Reported: accepted calls/s while busy as a share of N, calls refused with code 7 as
 * a share of accepted calls, time to finish, failed work orders.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, report, type Row } from './lib/report';
import { pool, sandboxCalls, setSandboxFaults, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 40);
const WORK_ORDERS = Number(process.env.BENCH_WORK_ORDERS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WINDOWS = ['fixed', 'sliding'] as const;

/** How the workers share the budget, and the budget the README recommends for it (see README, flow control). */
interface Sharing {
  workers: number;
  oneSchedule: boolean;
}
const SHARINGS: Sharing[] = [
  { workers: 1, oneSchedule: false },
  { workers: 3, oneSchedule: false },
  { workers: 3, oneSchedule: true },
];
/** On their own the quota less one call per worker; on one schedule (or alone) the quota less one. */
const budgetFor = ({ workers, oneSchedule }: Sharing) => Number(process.env.BENCH_BUDGET ?? (oneSchedule ? LIMIT - 1 : LIMIT - workers));
const sharingName = ({ workers, oneSchedule }: Sharing) => (workers === 1 ? 'alone' : oneSchedule ? 'one schedule' : 'on their own');

interface Run {
  sharePercent: number;
  refusedPercent: number;
  seconds: number;
  failed: number;
  accepted: number;
  refused: number;
}

async function run(stack: BenchStack, window: (typeof WINDOWS)[number], sharing: Sharing, index: number): Promise<Run> {
  const { workers, oneSchedule } = sharing;
  const taskQueue = `rate-${window}-${workers}${oneSchedule ? 's' : ''}-${index}-${Date.now().toString(36)}`;
  const budget = budgetFor(sharing);
  const children = await Promise.all(
    Array.from({ length: workers }, (_, worker) =>
      stack.startWorker(WORKER_ENTRIES.ours, taskQueue, {
        TOP_CALLS_PER_SECOND: String(budget),
        TOP_WORKER_COUNT: String(workers),
        ...(oneSchedule ? { TOP_WORKER_INDEX: String(worker) } : {}),
      }),
    ),
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
  console.log(`${window} window, ${workers} worker(s) ${sharingName(sharing)}, run ${index + 1}: ${JSON.stringify(result)}`);
  return result;
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const rows: Row[] = [];
  const raw: Record<string, Run[]> = {};
  try {
    for (const window of WINDOWS) {
      for (const sharing of SHARINGS) {
        const runs: Run[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await run(stack, window, sharing, i));
        raw[`${window}/${sharing.workers}/${sharingName(sharing)}`] = runs;
        const range = (pick: (r: Run) => number, digits: number) => {
          const values = runs.map(pick);
          return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
        };
        const median = (pick: (r: Run) => number) => percentile(runs.map(pick).sort((a, b) => a - b), 50);
        rows.push({
          window,
          'worker processes': sharing.workers,
          sharing: sharingName(sharing),
          'budget calls/s': budgetFor(sharing),
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
    note: `${RUNS} runs per case; each work order makes 4 TOP calls (${WORK_ORDERS * 4} per run). Budget (TOP_CALLS_PER_SECOND): N − 1 for one worker and for workers taking turns on one schedule (TOP_WORKER_INDEX set, slots of 1/budget s dealt round the workers); N − TOP_WORKER_COUNT for workers pacing on their own at budget / workers. The Temporal server caps the task queue at the same budget. A ban TOP states holds every call it covers in that worker until it ends. Targets: ≥ 95% of N while busy, refused ≤ 1% of accepted, 0 failed work orders.`,
    runs: raw,
  });
}

void main();
