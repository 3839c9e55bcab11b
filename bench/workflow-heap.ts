/**
 * Where a cached workflow's memory goes: heap snapshots of the workflow thread (over the inspector's
 * NodeWorker domain) with BENCH_HEAP_LEVELS (20,120) work orders open, after a full GC each time, and the
 * growth per work order by object kind. Ours (src/worker.ts's createWorker) and the baseline, in turn, with
 * a cache larger than the last level. This is how the causes in bench/results/workflow-heap.md were found.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from '@temporalio/worker';
import { snapshotWorkflowThread, type HeapSummary } from '../dev/workflow-heap';
import { createWorker } from '../src/worker';
import { createBaselineWorker } from './lib/baseline-worker';
import { report, type Row } from './lib/report';
import { startBenchStack, type BenchStack } from './lib/stack';

const LEVELS = (process.env.BENCH_HEAP_LEVELS ?? '20,120').split(',').map(Number);

async function measure(stack: BenchStack, subject: 'ours' | 'baseline'): Promise<{ perWorkOrderKiB: number; kinds: Row[] }> {
  const taskQueue = `heap-${subject}`;
  const cache = LEVELS.at(-1)! * 2;
  let worker: Worker;
  let close = async () => {};
  if (subject === 'ours') {
    const created = await createWorker(stack.config({ TEMPORAL_TASK_QUEUE: taskQueue, WORKER_MAX_CACHED_WORKFLOWS: String(cache) }), stack.nativeConnection);
    worker = created.worker;
    close = () => created.close();
  } else {
    worker = await createBaselineWorker(stack.nativeConnection, taskQueue, cache);
  }
  const running = worker.run();
  const snapshots: HeapSummary[] = [];
  let open = 0;
  try {
    for (const level of LEVELS) {
      await stack.openWorkOrders(taskQueue, open, level);
      open = level;
      await sleep(2_000);
      snapshots.push(await snapshotWorkflowThread());
    }
  } finally {
    worker.shutdown();
    await running;
    await close();
  }
  const [first, last] = [snapshots[0]!, snapshots.at(-1)!];
  const perWorkOrder = (LEVELS.at(-1)! - LEVELS[0]!) * 1024;
  const total = (s: typeof first) => [...s.values()].reduce((a, k) => a + k.bytes, 0);
  const kinds = [...last.entries()]
    .map(([kind, { bytes, count }]) => ({ kind, bytes: bytes - (first.get(kind)?.bytes ?? 0), count: count - (first.get(kind)?.count ?? 0) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12)
    .map(({ kind, bytes, count }) => ({ workflow: subject, kind, 'KiB per work order': bytes / perWorkOrder, 'objects per work order': (count * 1024) / perWorkOrder }));
  return { perWorkOrderKiB: (total(last) - total(first)) / perWorkOrder, kinds };
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const results: Record<string, { perWorkOrderKiB: number; kinds: Row[] }> = {};
  try {
    for (const subject of ['baseline', 'ours'] as const) results[subject] = await measure(stack, subject);
  } finally {
    await stack.stop();
  }
  const [ours, baseline] = [results.ours!.perWorkOrderKiB, results.baseline!.perWorkOrderKiB];
  report('workflow-heap', '7. Workflow-thread heap per cached work order, by object kind (after a full GC)', [...results.baseline!.kinds, ...results.ours!.kinds], {
    oursKiBPerWorkOrder: ours,
    baselineKiBPerWorkOrder: baseline,
    note: `Live heap of the workflow thread per cached work order (${LEVELS[0]} → ${LEVELS.at(-1)} open): ours **${ours.toFixed(0)} KiB**, baseline ${baseline.toFixed(0)} KiB (**${(ours / baseline).toFixed(2)}×**). The 12 largest kinds of growth each.`,
  });
}

void main();
