/**
 * Where a cached workflow's memory goes: heap snapshots of the workflow thread (over the inspector's
 * NodeWorker domain) with BENCH_HEAP_LEVELS (20,120) work orders open, after a full GC each time, and the
 * growth per work order by object kind. Ours (src/worker.ts's createWorker) and the baseline, in turn, with
 * a cache larger than the last level. This is how the causes in bench/results/workflow-heap.md were found.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { snapshotWorkflowThread } from '../src/dev/workflow-heap';
import { createWorker } from '../src/worker';
import { createTracing, WORKFLOW_INTERCEPTOR_MODULES } from '../src/tracing';
import * as baselineActivities from './lib/baseline-activities';
import { report, type Row } from './lib/report';
import { pool, startBenchStack, type BenchStack } from './lib/stack';

const LEVELS = (process.env.BENCH_HEAP_LEVELS ?? '20,120').split(',').map(Number);

async function measure(stack: BenchStack, subject: 'ours' | 'baseline'): Promise<{ perWorkOrderKiB: number; kinds: Row[] }> {
  const taskQueue = `heap-${subject}`;
  const cache = LEVELS.at(-1)! * 2;
  let worker: Worker;
  let close = async () => {};
  if (subject === 'ours') {
    const created = await createWorker(stack.config({ TEMPORAL_TASK_QUEUE: taskQueue, WORKER_MAX_CACHED_WORKFLOWS: String(cache) }), stack.nativeConnection);
    worker = created.worker;
    close = () => created.top.close();
  } else {
    const tracing = createTracing({ serviceName: 'baseline' });
    worker = await Worker.create({
      connection: stack.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./lib/baseline-work-order'),
      activities: baselineActivities,
      interceptors: { activity: [tracing.activityInterceptor], workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES] },
      sinks: tracing.sinks,
      maxCachedWorkflows: cache,
    });
  }
  const running = worker.run();
  const workOrders = stack.workOrders(taskQueue);
  const snapshots: Map<string, { bytes: number; count: number }>[] = [];
  let open = 0;
  try {
    for (const level of LEVELS) {
      const ids = Array.from({ length: level - open }, (_, i) => `${taskQueue}-${open + i}`);
      await pool(ids, 20, async (id) => void (await workOrders.start({ workOrderId: id, seller: 'seller-a' })));
      open = level;
      while ((await stack.client.workflow.count(`TaskQueue = "${taskQueue}" AND WorkOrderStatus = "open"`)).count < open) await sleep(500);
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
