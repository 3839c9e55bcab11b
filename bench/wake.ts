/**
 * Benchmark 6: waking an evicted work order. A progress report (the reportProgress Update, until it is
 * accepted) to a work order still in the worker's cache, against one that was evicted and must be replayed
 * from its history first, at the history of a long work order (30 progress nodes, each told to 店小蜜).
 * The baseline (same messages and activity calls, no-op activities) is measured the same way in the same run.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, report, type Row } from './lib/report';
import { pool, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const NODES = 30;
const CACHE = 20;
const WORK_ORDERS = 2 * CACHE; // round-robin over twice the cache: every report finds its work order evicted
const SAMPLES = Number(process.env.BENCH_WAKE_SAMPLES ?? 40);

async function measure(stack: BenchStack, entry: string, taskQueue: string): Promise<{ cached: number[]; evicted: number[]; historyLength: number }> {
  const worker = await stack.startWorker(entry, taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) });
  const workOrders = stack.workOrders(taskQueue);
  const ids = Array.from({ length: WORK_ORDERS }, (_, i) => `${taskQueue}-${i}`);
  try {
    await pool(ids, 10, async (id) => {
      await workOrders.start({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` } });
      for (let node = 0; node < NODES; node++) await workOrders.reportProgress(id, { progressId: `setup-${node}`, node: `node-${node}` });
    });
    await sleep(3_000); // the last notifications finish
    const report = async (id: string, progressId: string): Promise<number> => {
      const t0 = performance.now();
      await workOrders.reportProgress(id, { progressId, node: 'inspecting' });
      const ms = performance.now() - t0;
      await sleep(100); // its 店小蜜 notification runs before the next report
      return ms;
    };
    const evicted: number[] = [];
    for (let i = 0; i < SAMPLES; i++) evicted.push(await report(ids[i % WORK_ORDERS]!, `wake-${i}`));
    const cached: number[] = [];
    for (let i = 0; i < SAMPLES; i++) cached.push(await report(ids[0]!, `warm-${i}`));
    const { historyLength } = await stack.client.workflow.getHandle(`work-order-${ids[1]!}`).describe();
    return { cached: cached.sort((a, b) => a - b), evicted: evicted.sort((a, b) => a - b), historyLength };
  } finally {
    await worker.stop();
  }
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const rows: Row[] = [];
  const extra: Record<string, unknown> = {};
  try {
    for (const [name, entry, queue] of [
      ['baseline', WORKER_ENTRIES.baseline, 'bench-wake-baseline'],
      ['work orders', WORKER_ENTRIES.ours, 'bench-wake'],
    ] as const) {
      const { cached, evicted, historyLength } = await measure(stack, entry, queue);
      for (const [where, ms] of [['in the cache', cached], ['evicted (replayed)', evicted]] as const) {
        rows.push({ workflow: name, 'work order': where, 'history events': historyLength, 'p50 ms': percentile(ms, 50), 'p95 ms': percentile(ms, 95), 'max ms': ms.at(-1)! });
      }
      extra[name] = { cachedP50: percentile(cached, 50), evictedP50: percentile(evicted, 50), ratio: percentile(evicted, 50) / percentile(cached, 50), historyLength };
    }
  } finally {
    await stack.stop();
  }
  const ours = extra['work orders'] as { cachedP50: number; evictedP50: number; ratio: number; historyLength: number };
  const base = extra.baseline as { ratio: number };
  report('wake', '6. Waking an evicted work order: progress report latency, cached against replayed', rows, {
    ...extra,
    note:
      `A progress report (Update until accepted) to a work order of ${NODES} progress nodes (${ours.historyLength} history events): p50 **${ours.cachedP50.toFixed(0)} ms** in the cache, ` +
      `**${ours.evictedP50.toFixed(0)} ms** evicted and replayed (${ours.ratio.toFixed(1)}×; the baseline's replay costs ${base.ratio.toFixed(1)}×). ` +
      `${SAMPLES} samples each; cache ${CACHE}, reports round-robin over ${WORK_ORDERS} work orders so each one is evicted when it is reported to.`,
  });
}

void main();
