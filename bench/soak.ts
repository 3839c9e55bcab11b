/**
 * `soak`: soak. Work orders opened and closed continuously on one worker process (src/worker.ts,
 * workflow cache 500) until BENCH_SOAK_WORK_ORDERS (20,000) have been started, bounded by BENCH_SOAK_MINUTES
 * (25; on this machine 20,000 take about 18), with BENCH_SOAK_IN_FLIGHT (100) at a time. Each: start, one progress report
 * (Update), completion, result. The worker's RSS is sampled every 5 s; reported: the slope over the
 * second half in MB per minute (least squares), and work orders that did not complete (must be 0).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMiB } from '../dev/processes';
import { report } from './lib/report';
import { startBenchStack, WORKER_ENTRIES } from './lib/stack';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 25);
const MAX_WORK_ORDERS = Number(process.env.BENCH_SOAK_WORK_ORDERS ?? 20_000);
const IN_FLIGHT = Number(process.env.BENCH_SOAK_IN_FLIGHT ?? 100);
const CACHE = 500;
const SAMPLE_MS = 5_000;
const MB = 1.048576;

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return num / den;
}

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const worker = await stack.startWorker(WORKER_ENTRIES.ours, 'bench-soak', { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) });
  const workOrders = stack.workOrders('bench-soak');
  const samples: { minute: number; rss: number; closed: number }[] = [];
  let closed = 0;
  let failed = 0;
  const failures: string[] = [];
  let started = 0;
  const t0 = performance.now();
  const minutes = () => (performance.now() - t0) / 60_000;
  const keepGoing = () => minutes() < MINUTES && started < MAX_WORK_ORDERS;
  const sampler = setInterval(() => samples.push({ minute: minutes(), rss: rssMiB(worker.process.pid!) * MB, closed }), SAMPLE_MS);
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (keepGoing()) {
          const id = `SOAK-${started++}`;
          try {
            await workOrders.start({ workOrderId: id, seller: 'seller-a' });
            await workOrders.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
            await workOrders.complete(id, { resultMessage: 'done' });
            const final = await workOrders.result(id);
            if (final.status !== 'completed') throw new Error(`ended ${final.status}`);
          } catch (error) {
            failed += 1;
            if (failures.length < 5) failures.push(`${id}: ${(error as Error).message}`);
          }
          closed += 1;
        }
      }),
    );
  } finally {
    clearInterval(sampler);
    await sleep(0);
    await worker.stop();
    await stack.stop();
  }
  const duration = minutes();
  const secondHalf = samples.filter((s) => s.minute >= duration / 2).map((s) => ({ x: s.minute, y: s.rss }));
  const mbPerMinute = slope(secondHalf);
  const rows = samples
    .filter((_, i) => i % 12 === 0 || i === samples.length - 1)
    .map((s) => ({ minute: s.minute, 'work orders closed': s.closed, 'worker RSS MB': s.rss }));
  report('soak', '5. Soak: work orders opened and closed continuously on one worker', rows, {
    minutes: duration,
    workOrders: closed,
    failed,
    failures,
    mbPerMinuteSecondHalf: mbPerMinute,
    note:
      `${closed} work orders in ${duration.toFixed(1)} min (${(closed / duration / 60).toFixed(1)}/s, ${IN_FLIGHT} in flight, cache ${CACHE}), **${failed}** failed. ` +
      `Worker RSS over the second half: slope **${mbPerMinute.toFixed(2)} MB/min** (least squares over ${secondHalf.length} samples 5 s apart; ` +
      `range ${Math.min(...secondHalf.map((p) => p.y)).toFixed(0)}–${Math.max(...secondHalf.map((p) => p.y)).toFixed(0)} MB).`,
  });
}

void main();
