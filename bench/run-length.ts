/**
 * `run-length`: the continue-as-new bound weighed over a work order's life. A shorter run is cheaper to
 * replay when a report finds its work order evicted; every run ended costs a new execution (and an Action),
 * and Updates that reach a run as it continues as new wait for the next one.
 *
 * For each bound (ours with that `historyEventLimit`) and for the floor (Update + local activity, one run,
 * never continued): WORK_ORDERS work orders take REPORTS_EACH reports each — a whole life — in random order,
 * IN_FLIGHT at a time; once with every work order in the worker's cache, once with the cache a fifth of them
 * (nearly every report replays). Reported per report: worker and server CPU (and PostgreSQL's, with
 * BENCH_CLUSTER=1), Update p50/p99 (until accepted), new runs; and the runs a work order's life is split into,
 * which is what an operator sees in the Temporal UI's list.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../dev/processes';
import { workflowIdFor } from '../src/client';
import { report, type Row } from './lib/report';
import { loadColumns, measureReports, totalCpuColumn } from './lib/report-load';
import { notifications, pool, startBenchStack, WORKER_ENTRIES } from './lib/stack';

const BOUNDS = (process.env.BENCH_RUN_LENGTHS ?? '40,60,100').split(',').map(Number);
const WORK_ORDERS = Number(process.env.BENCH_WORK_ORDERS ?? 50);
const REPORTS_EACH = Number(process.env.BENCH_REPORTS_EACH ?? 20);
const EVICTED_CACHE = Math.max(1, Math.floor(WORK_ORDERS / 5));
const IN_FLIGHT = 8;
const CLUSTER = process.env.BENCH_CLUSTER === '1';
const SERVER = CLUSTER ? 'the full server on PostgreSQL' : 'the dev server';
const TOTAL = totalCpuColumn(CLUSTER);
const FLOOR = 'Update + local activity (floor)';

const shuffled = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

async function main(): Promise<void> {
  const stack = await startBenchStack({ fairness: true, cluster: CLUSTER });
  const subjects = [...BOUNDS.map((bound) => ({ name: `ours, bound ${bound} events`, bound })), { name: FLOOR, bound: undefined }];
  const rows: Row[] = [];
  try {
    for (const subject of subjects) {
      for (const evicted of [false, true]) {
        const taskQueue = `bench-run-length-${rows.length}-${Date.now().toString(36)}`;
        const cache = evicted ? EVICTED_CACHE : WORK_ORDERS + 10;
        const worker = await stack.startWorker(subject.bound ? WORKER_ENTRIES.ours : WORKER_ENTRIES.baseline, taskQueue, {
          WORKER_MAX_CACHED_WORKFLOWS: String(cache),
          WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
        });
        const workOrders = stack.workOrders(taskQueue);
        try {
          const notifiedCount = async () => (await notifications(stack.sandboxUrl)).length;
          const ids = Array.from({ length: WORK_ORDERS }, (_, i) => `${taskQueue}-${i}`);
          const input = (id: string) => ({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` } });
          const notifiedBefore = (await notifiedCount()) + WORK_ORDERS;
          await pool(ids, 20, async (id) => {
            if (subject.bound) await workOrders.start({ ...input(id), historyEventLimit: subject.bound });
            else await stack.client.workflow.start('workOrderWorkflow', { taskQueue, workflowId: workflowIdFor(id), args: [{ ...input(id), perReport: { localActivity: true } }] });
          });
          while ((await notifiedCount()) < notifiedBefore) await sleep(200);

          const reports = shuffled(ids.flatMap((id) => Array.from({ length: REPORTS_EACH }, () => id)));
          const load = await measureReports(
            stack,
            worker,
            reports.map((id, i) => ({ id, i })),
            IN_FLIGHT,
            async ({ id, i }) => void (await workOrders.reportProgress(id, { progressId: `r${i}`, node: `node-${i % 7}` })),
            async () => (await notifiedCount()) - notifiedBefore >= reports.length,
          );
          // Every run of every work order, the running ones included (visibility may trail a moment).
          await sleep(2_000);
          const runs = (await stack.client.workflow.count(`TaskQueue = "${taskQueue}"`)).count;
          rows.push({
            subject: subject.name,
            'worker cache': evicted ? `${cache} (of ${WORK_ORDERS} open)` : `all ${WORK_ORDERS}`,
            ...loadColumns(load, reports.length, CLUSTER),
            'new runs / report': (runs - WORK_ORDERS) / reports.length,
            [`runs per work order (${REPORTS_EACH} reports)`]: runs / WORK_ORDERS,
          });
          console.log(JSON.stringify(rows.at(-1)));
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    await stack.stop();
  }
  // A smaller run (fewer work orders or reports) prints its rows above and writes nothing.
  if (process.env.BENCH_WORK_ORDERS || process.env.BENCH_REPORTS_EACH) return;
  const floor = (evicted: boolean) => rows.find((r) => r.subject === FLOOR && String(r['worker cache']).startsWith('all') !== evicted)!;
  for (const row of rows) {
    const base = floor(!String(row['worker cache']).startsWith('all'));
    row['CPU ÷ floor'] = Number(row[TOTAL]) / Number(base[TOTAL]);
    row['Update p99 ÷ floor'] = Number(row['Update p99 ms']) / Number(base['Update p99 ms']);
  }
  report(CLUSTER ? 'run-length-cluster' : 'run-length', `The continue-as-new bound over a work order's life, ours at each bound beside the floor (Update + local activity), ${SERVER}`, rows, {
    note:
      `${WORK_ORDERS} work orders, ${REPORTS_EACH} reports each (a whole life), in random order, ${IN_FLIGHT} in flight, fairness on; ` +
      `cached: every work order in the worker's cache; evicted: cache ${EVICTED_CACHE}, so nearly every report replays its work order's current run first. ` +
      `CPU of the worker process and ${SERVER} while the reports ran; Update latency until the Update was accepted. ` +
      'A new run is one Temporal Cloud Action (two per report is the floor). The floor never continues as new: its one run grows to the whole life.',
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
