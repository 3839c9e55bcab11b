/**
 * `many-open`: worker memory per open work order, against a baseline of the same shape in the same run.
 *
 * Two worker processes, one after the other on the same dev server, each with a workflow cache of 500:
 * the baseline (bench/lib/baseline-worker.ts: the same messages, interceptors and activity calls, made as
 * bare TOP requests; no-op activities in the runs committed before 2026-12-03) and ours (src/worker.ts, as
 * `npm run worker` runs it). For each, work orders are opened
 * level by level up to 5,000 and left waiting; the worker's RSS is sampled at each level. Reported: MB
 * per cached work order (slope up to the cache size), MB per work order beyond the cache (slope past it),
 * and our figures over the baseline's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMiB, type Child } from '../dev/processes';
import { report, type Row } from './lib/report';
import { startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const LEVELS = (process.env.BENCH_OPEN_LEVELS ?? '100,500,1000,3000,5000').split(',').map(Number);
const CACHE = Number(process.env.BENCH_CACHE ?? 500);
const MB = 1.048576; // MiB → MB

interface Subject {
  name: string;
  entry: string;
  taskQueue: string;
  env?: NodeJS.ProcessEnv;
}

const SUBJECTS: Subject[] = [
  { name: 'baseline', entry: WORKER_ENTRIES.baseline, taskQueue: 'bench-open-baseline' },
  // BENCH_WORKFLOW_BUNDLE runs ours from a prebuilt bundle (A/B runs of a change); by default it bundles at start-up like the baseline.
  { name: 'work orders', entry: WORKER_ENTRIES.ours, taskQueue: 'bench-open', env: process.env.BENCH_WORKFLOW_BUNDLE ? { WORKFLOW_BUNDLE_PATH: process.env.BENCH_WORKFLOW_BUNDLE } : {} },
];

/** The median of three samples a second apart: one sample can land just before a GC. */
async function settledRss(worker: Child): Promise<number> {
  await sleep(3_000);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(rssMiB(worker.process.pid!) * MB);
    await sleep(1_000);
  }
  return samples.sort((a, b) => a - b)[1]!;
}

async function measure(stack: BenchStack, subject: Subject): Promise<{ level: number; rss: number }[]> {
  // BENCH_WORKER_NODE_OPTIONS (e.g. --max-old-space-size=1024) checks the README's sizing advice on both workers.
  const nodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {};
  const worker = await stack.startWorker(subject.entry, subject.taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE), ...nodeOptions, ...subject.env });
  const samples = [{ level: 0, rss: await settledRss(worker) }];
  let open = 0;
  try {
    for (const level of LEVELS) {
      await stack.openWorkOrders(subject.taskQueue, open, level);
      open = level;
      const rss = await settledRss(worker);
      samples.push({ level, rss });
      console.log(`${subject.name}: ${level} open, worker RSS ${rss.toFixed(0)} MB`);
    }
  } finally {
    await worker.stop();
  }
  return samples;
}

/** MB per work order between two levels. */
const slope = (samples: { level: number; rss: number }[], from: number, to: number): number => {
  const at = (level: number) => samples.find((s) => s.level === level)!.rss;
  return (at(to) - at(from)) / (to - from);
};

async function main(): Promise<void> {
  const cachedFrom = LEVELS[0]!;
  const beyondFrom = LEVELS.find((level) => level >= 2 * CACHE) ?? LEVELS.at(-2)!;
  const top = LEVELS.at(-1)!;
  if (!LEVELS.includes(CACHE)) throw new Error(`BENCH_OPEN_LEVELS must include the cache size ${CACHE}`);
  const stack = await startBenchStack();
  const results = new Map<string, { level: number; rss: number }[]>();
  try {
    for (const subject of SUBJECTS) results.set(subject.name, await measure(stack, subject));
  } finally {
    await stack.stop();
  }
  const baseline = results.get('baseline')!;
  const ours = results.get('work orders')!;
  const rows: Row[] = [0, ...LEVELS].map((level) => ({
    'open work orders': level,
    'baseline worker RSS MB': baseline.find((s) => s.level === level)!.rss,
    'our worker RSS MB': ours.find((s) => s.level === level)!.rss,
  }));
  const figures = {
    baselineMbPerCached: slope(baseline, cachedFrom, CACHE),
    oursMbPerCached: slope(ours, cachedFrom, CACHE),
    baselineMbPerBeyondCache: slope(baseline, beyondFrom, top),
    oursMbPerBeyondCache: slope(ours, beyondFrom, top),
  };
  const cachedRatio = figures.oursMbPerCached / figures.baselineMbPerCached;
  const limited = process.env.BENCH_WORKER_NODE_OPTIONS ? ` (both workers with NODE_OPTIONS=${process.env.BENCH_WORKER_NODE_OPTIONS})` : '';
  report(process.env.BENCH_RESULT_NAME ?? 'many-open', `3. Many open work orders: worker memory against a baseline of the same shape${limited}`, rows, {
    cache: CACHE,
    workerNodeOptions: process.env.BENCH_WORKER_NODE_OPTIONS ? [process.env.BENCH_WORKER_NODE_OPTIONS] : [],
    ...figures,
    cachedRatio,
    note:
      `Workflow cache ${CACHE}. **MB per cached work order** (${cachedFrom} → ${CACHE} open): ours **${figures.oursMbPerCached.toFixed(2)}**, ` +
      `baseline ${figures.baselineMbPerCached.toFixed(2)}, ratio **${cachedRatio.toFixed(2)}×**. ` +
      `**MB per work order beyond the cache** (${beyondFrom} → ${top} open): ours **${figures.oursMbPerBeyondCache.toFixed(3)}**, ` +
      `baseline ${figures.baselineMbPerBeyondCache.toFixed(3)}, difference **${(figures.oursMbPerBeyondCache - figures.baselineMbPerBeyondCache).toFixed(3)}**. ` +
      'RSS is the median of three samples a second apart after 3 s of quiet; the baseline has the same messages, interceptors, cache and activity calls, whose activities make the same TOP calls as bare undici requests.',
  });
}

void main();
