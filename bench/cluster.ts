/**
 * `cluster`: scale-out on the production topology. Ours (src/worker.ts against the TOP sandbox) with 1,
 * 2 and 3 worker processes on one task queue, on the full Temporal server with PostgreSQL (dev/cluster,
 * set up as docker-compose.yml sets it up) and on the dev server, in one run, rounds alternating the
 * order. Per cell and round:
 * - throughput: N work orders (start, one progress Update, the completion signal, the result), 50 in flight;
 * - closing under load: N more, 50 in flight, each completed a second after its progress report; closing
 *   latency = the completion signal recorded by the server → the final 店小蜜 notification's activity
 *   started (from the histories, as `end-to-end`).
 * The scale-out ratio is a cell's throughput over the 1-worker figure on the same server. Everything —
 * server, PostgreSQL, workers, sandbox, this driver — shares the machine's cores, and that bounds it.
 */
import { cpuMs, cpuMsWithChildren, type Child } from '../dev/processes';
import { workflowIdFor } from '../src/client';
import { closingHops, type History } from './lib/history';
import { percentile, report, type Row } from './lib/report';
import { pool, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';
import { batchIds, runWorkOrder } from './lib/work-order-load';

const N = Number(process.env.BENCH_WORK_ORDERS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WORKERS = [1, 2, 3];
const IN_FLIGHT = 50;
const THINK_MS = 1_000;

interface Cell {
  server: 'full server + PostgreSQL' | 'dev server';
  workers: number;
  rates: number[];
  closing: number[][];
  /** CPU ms per work order in the throughput phase: all workers together; Temporal (server + database). */
  cpuWorkers: number[];
  cpuTemporal: number[];
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function temporalCpu(stack: BenchStack): number {
  return cpuMs(stack.server.process.pid!) + (stack.database ? cpuMsWithChildren(stack.database.process.pid!) : 0);
}

async function runCell(stack: BenchStack, cell: Cell, round: number): Promise<void> {
  const taskQueue = `scale-${cell.server === 'dev server' ? 'dev' : 'cluster'}-${cell.workers}-${round}`;
  const workers: Child[] = [];
  for (let i = 0; i < cell.workers; i++) workers.push(await stack.startWorker(WORKER_ENTRIES.ours, taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: '1000' }));
  const workOrders = stack.workOrders(taskQueue);
  try {
    const batch = batchIds(`tp-${taskQueue}`, N);
    const workersCpu = () => workers.reduce((sum, w) => sum + cpuMs(w.process.pid!), 0);
    const before = { workers: workersCpu(), temporal: temporalCpu(stack) };
    const started = performance.now();
    await pool(batch, IN_FLIGHT, (id) => runWorkOrder(workOrders, id));
    cell.rates.push(N / ((performance.now() - started) / 1000));
    cell.cpuWorkers.push((workersCpu() - before.workers) / N);
    cell.cpuTemporal.push((temporalCpu(stack) - before.temporal) / N);

    const loaded = batchIds(`load-${taskQueue}`, N);
    await pool(loaded, IN_FLIGHT, (id) => runWorkOrder(workOrders, id, THINK_MS));
    const histories: History[] = [];
    await pool(loaded, 16, async (id) => void histories.push(await stack.client.workflow.getHandle(workflowIdFor(id)).fetchHistory()));
    cell.closing.push(histories.map((h) => closingHops(h)!.signalToActivityStart));
  } finally {
    for (const worker of workers) await worker.stop();
  }
}

async function main(): Promise<void> {
  const stacks = { cluster: await startBenchStack({ cluster: true }), dev: await startBenchStack() };
  const cells: Cell[] = [];
  for (const server of ['full server + PostgreSQL', 'dev server'] as const) {
    for (const workers of WORKERS) cells.push({ server, workers, rates: [], closing: [], cpuWorkers: [], cpuTemporal: [] });
  }
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const cell of round % 2 ? [...cells].reverse() : cells) {
        await runCell(cell.server === 'dev server' ? stacks.dev : stacks.cluster, cell, round);
        console.log(`round ${round + 1}/${ROUNDS} ${cell.server}, ${cell.workers} worker(s): ${cell.rates.at(-1)!.toFixed(1)} work orders/s, closing under load p50 ${percentile(sorted(cell.closing.at(-1)!), 50)} ms`);
      }
    }
  } finally {
    await stacks.cluster.stop();
    await stacks.dev.stop();
  }

  const one = (server: Cell['server']) => cells.find((c) => c.server === server && c.workers === 1)!;
  const rows: Row[] = cells.map((cell) => {
    const closing = sorted(cell.closing.flat());
    return {
      server: cell.server,
      workers: cell.workers,
      'work orders/s': mean(cell.rates),
      'scale-out (÷ 1 worker)': mean(cell.rates) / mean(one(cell.server).rates),
      'closing under load p50 ms': percentile(closing, 50),
      'p99 ms': percentile(closing, 99),
      'CPU ms / work order: workers': mean(cell.cpuWorkers),
      'Temporal (server + database)': mean(cell.cpuTemporal),
      'runs (work orders/s)': cell.rates.map((r) => r.toFixed(1)).join(' / '),
    };
  });
  const cluster3 = cells.find((c) => c.server !== 'dev server' && c.workers === 3)!;
  report('cluster', '8. Scale-out on the full Temporal server with PostgreSQL, beside the dev server', rows, {
    note: `${ROUNDS} rounds per cell (order alternating) of ${N} work orders, ${IN_FLIGHT} in flight, for throughput and again for closing under load (completion ${THINK_MS} ms after the progress report). Server 1.32.1 with 4 history shards on PostgreSQL 15 (fsync on), all on this machine's cores. The full server against the dev server with 1 worker: ${(mean(one('full server + PostgreSQL').rates) / mean(one('dev server').rates)).toFixed(2)}× the throughput; 3 workers on the full server: ${(mean(cluster3.rates) / mean(one('full server + PostgreSQL').rates)).toFixed(2)}× one worker.`,
    raw: cells,
  });
}

void main();
