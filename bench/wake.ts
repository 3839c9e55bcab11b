/**
 * `wake`: waking an evicted work order. A progress report (the reportProgress Update, until it is
 * accepted) to a work order still in the worker's cache, against one that was evicted and must be replayed
 * from its history first, for work orders that have had 20 and 500 reports before. Reported: the report's
 * latency and the worker's CPU per report (its process, the 店小蜜 call included, the same in both cases).
 * Measured the same way in the same run: the baseline (bench/lib/baseline-work-order.ts: same messages and
 * TOP calls, made bare, no continue-as-new) and the same baseline on the Python SDK (bench/python), the issue's
 * yardstick for what a replay should cost.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMs } from '../dev/processes';
import { percentile, report, type Row } from './lib/report';
import { pool, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const SIZES = (process.env.BENCH_WAKE_REPORTS ?? '20,500').split(',').map(Number);
/**
 * The baseline at these sizes only: at 500 reports (one run of about 5,300 events, cache 10) the one run tried
 * stopped in its set-up on an Update refused with "Workflow Task in failed state". The server refuses Updates
 * once a workflow task has failed or timed out twice in a row (service/history/api/updateworkflow, 1.32);
 * replays of thousands of events, ten at a time on a busy worker, outlasting the 10 s task timeout is the
 * likely cause, not verified.
 */
const BASELINE_SIZES = (process.env.BENCH_WAKE_BASELINE_REPORTS ?? '20').split(',').map(Number);
/**
 * The Python-SDK comparison (bench/python: the baseline as a Python-SDK user writes it, with and without the SDK's sandbox),
 * installed by bench/python/install.sh; at these sizes. At 500 reports the one run tried (2026-12-03) stopped
 * the same way as the baseline's, during what by its timing was the Python set-up.
 */
const PYTHON_SIZES = (process.env.BENCH_WAKE_PYTHON_REPORTS ?? '20').split(',').map(Number);
const PYTHON = resolve(__dirname, '../.tools/bench-python/bin/python');
const CACHE = 10;
const WORK_ORDERS = 2 * CACHE; // round-robin over twice the cache: every report finds its work order evicted
const SAMPLES = Number(process.env.BENCH_WAKE_SAMPLES ?? 40);
/** After each report, for its 店小蜜 call to finish before the next report (so the worker's CPU is this report's). */
const SETTLE_MS = 150;

interface Measured {
  cached: number[];
  evicted: number[];
  cachedCpuMs: number;
  evictedCpuMs: number;
  historyLength: number;
}

/** How each subject's worker starts, with the same cache. */
const SUBJECTS = {
  baseline: (stack: BenchStack, taskQueue: string) => stack.startWorker(WORKER_ENTRIES.baseline, taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) }),
  'Python SDK': (stack: BenchStack, taskQueue: string) =>
    stack.startWorkerCommand(PYTHON, [resolve(__dirname, 'python/worker.py')], taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) }),
  // The sandbox re-imports the workflow's modules for every workflow it creates: the Python figure
  // (57 ms per evicted report) is nearer this one (73–76 ms on 2026-12-03) than the sandboxed default (124–138).
  'Python SDK, unsandboxed': (stack: BenchStack, taskQueue: string) =>
    stack.startWorkerCommand(PYTHON, [resolve(__dirname, 'python/worker.py')], taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE), BENCH_PYTHON_UNSANDBOXED: '1' }),
  'work orders': (stack: BenchStack, taskQueue: string) => stack.startWorker(WORKER_ENTRIES.ours, taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) }),
} as const;
type Subject = keyof typeof SUBJECTS;

/** Ours with another continue-as-new bound (its start input's `historyEventLimit`), to weigh the bound. */
const HISTORY_EVENT_LIMIT = process.env.BENCH_HISTORY_EVENT_LIMIT ? Number(process.env.BENCH_HISTORY_EVENT_LIMIT) : undefined;

async function measure(stack: BenchStack, subject: Subject, taskQueue: string, reports: number): Promise<Measured> {
  const worker = await SUBJECTS[subject](stack, taskQueue);
  const workOrders = stack.workOrders(taskQueue);
  const ids = Array.from({ length: WORK_ORDERS }, (_, i) => `${taskQueue}-${i}`);
  try {
    await pool(ids, 10, async (id) => {
      await workOrders.start({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` }, ...(HISTORY_EVENT_LIMIT ? { historyEventLimit: HISTORY_EVENT_LIMIT } : {}) });
      for (let i = 0; i < reports; i++) await workOrders.reportProgress(id, { progressId: `setup-${i}`, node: `node-${i % 7}` });
    });
    await sleep(3_000); // the last notifications finish
    const sample = async (pick: (i: number) => string, prefix: string) => {
      const latencies: number[] = [];
      const cpu0 = cpuMs(worker.process.pid!);
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await workOrders.reportProgress(pick(i), { progressId: `${prefix}-${i}`, node: 'inspecting' });
        latencies.push(performance.now() - t0);
        await sleep(SETTLE_MS);
      }
      return { latencies: latencies.sort((a, b) => a - b), cpuMs: (cpuMs(worker.process.pid!) - cpu0) / SAMPLES };
    };
    // Where the first evicted reports meet their work orders' current runs (all had the same reports before).
    const { historyLength } = await stack.client.workflow.getHandle(`work-order-${ids[1]!}`).describe();
    const evicted = await sample((i) => ids[i % WORK_ORDERS]!, 'wake');
    const cached = await sample(() => ids[0]!, 'warm');
    return { cached: cached.latencies, evicted: evicted.latencies, cachedCpuMs: cached.cpuMs, evictedCpuMs: evicted.cpuMs, historyLength };
  } finally {
    await worker.stop();
  }
}

async function main(): Promise<void> {
  execFileSync('bash', [resolve(__dirname, 'python/install.sh')], { stdio: 'inherit' });
  const stack = await startBenchStack();
  const rows: Row[] = [];
  const ratios: Record<string, unknown> = {};
  try {
    for (const reports of SIZES) {
      for (const name of (process.env.BENCH_WAKE_SUBJECTS?.split(',') ?? Object.keys(SUBJECTS)) as Subject[]) {
        if (name === 'baseline' && !BASELINE_SIZES.includes(reports)) continue;
        if (name.startsWith('Python SDK') && !PYTHON_SIZES.includes(reports)) continue;
        const m = await measure(stack, name, `bench-wake-${name.replace(/\W+/g, '-')}-${reports}`, reports);
        for (const [where, ms, cpu] of [
          ['in the cache', m.cached, m.cachedCpuMs],
          ['evicted (replayed)', m.evicted, m.evictedCpuMs],
        ] as const) {
          rows.push({ workflow: name, 'reports before': reports, 'work order': where, 'current run\'s events when sampling began': m.historyLength, 'p50 ms': percentile(ms, 50), 'p95 ms': percentile(ms, 95), 'worker CPU ms / report': cpu });
        }
        ratios[`${name}, ${reports} reports`] = {
          latencyRatio: percentile(m.evicted, 50) / percentile(m.cached, 50),
          cpuRatio: m.evictedCpuMs / m.cachedCpuMs,
          evictedCpuMs: m.evictedCpuMs,
          cachedCpuMs: m.cachedCpuMs,
          historyLength: m.historyLength,
        };
      }
    }
  } finally {
    await stack.stop();
  }
  // A partial run or another bound: its rows are printed above, nothing is written.
  if (process.env.BENCH_WAKE_SUBJECTS || HISTORY_EVENT_LIMIT) return console.log(JSON.stringify(rows));
  const line = (key: string) => {
    const r = ratios[key] as { latencyRatio: number; cpuRatio: number } | undefined;
    return r ? `${key}: evicted/cached ${r.latencyRatio.toFixed(1)}× in latency (p50), ${r.cpuRatio.toFixed(1)}× in worker CPU` : '';
  };
  /** Ours ÷ the Python SDK's evicted report, in worker CPU, by reports before. */
  const againstPythonRatios: Record<string, number> = {};
  const cpu = (key: string) => (ratios[key] as { evictedCpuMs: number } | undefined)?.evictedCpuMs;
  const againstPython = SIZES.flatMap((n) =>
    (['Python SDK', 'Python SDK, unsandboxed'] as const)
      .filter((python) => cpu(`${python}, ${n} reports`) && cpu(`work orders, ${n} reports`))
      .map((python) => {
        const ratio = cpu(`work orders, ${n} reports`)! / cpu(`${python}, ${n} reports`)!;
        againstPythonRatios[`${python}, ${n} reports`] = ratio;
        return `${ratio.toFixed(2)}× the ${python.replace('Python SDK', "Python SDK's")} after ${n} reports`;
      }),
  );
  report('wake', '6. Waking an evicted work order: a progress report cached against replayed, after 20 and 500 reports', rows, {
    ratios,
    againstPythonRatios,
    note:
      `${Object.keys(ratios).map(line).join('; ')}. ${SAMPLES} samples each, one report at a time, ${SETTLE_MS} ms apart so each report's 店小蜜 call ends before the next; ` +
      `cache ${CACHE}, evicted reports round-robin over ${WORK_ORDERS} work orders so each one is evicted when it is reported to. Targets (sale day I): evicted ≤ 3× cached in both, after 20 and after 500 reports; ` +
      `an evicted report's worker CPU ≤ the Python SDK's: ours is ${againstPython.join(', ') || 'not measured'}.`,
  });
}

void main();
