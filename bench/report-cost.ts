/**
 * Sale day III: what one progress report costs the system, ours beside Temporal's own floor for one durable
 * report, on the dev server (or, with BENCH_CLUSTER=1, the full server on PostgreSQL) in the same run. Subjects, each cached (every work order in the worker's cache)
 * and evicted (ten times more open than cached):
 * - ours (src/worker.ts);
 * - Update + activity: the plain workflow (bench/lib/baseline-work-order.ts), its 店小蜜 call a regular activity;
 * - Update + local activity, the floor: the same, its 店小蜜 call a local activity.
 *
 * Two measurements per subject:
 * 1. Accounting, from histories: one work order takes REPORTS_ACCOUNTED reports one after another; what they
 *    added to its history (every run of it), per report — events, workflow tasks, activity tasks, local
 *    activity markers, timers, search-attribute upserts (each a visibility write), new runs — and the Temporal
 *    Cloud Actions that makes by Temporal's published rules (an Update 1; an activity start 1; all local
 *    activities of one workflow task 1; a timer 1; an upsert 1; a new run, continue-as-new included, 1; with
 *    fairness on 0.1 more per Action).
 * 2. Load: REPORTS reports to work orders chosen at random, IN_FLIGHT at a time; reports/s, worker and server
 *    CPU per report, Update latency (until the Update is accepted) p50/p99.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { temporal } from '@temporalio/proto';
import { freePort } from '../dev/processes';
import { workflowIdFor } from '../src/client';
import { percentile, report, type Row } from './lib/report';
import { loadColumns, measureReports, totalCpuColumn } from './lib/report-load';
import { notifications, pool, startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

const CACHE = Number(process.env.BENCH_CACHE ?? 30);
const EVICTED_OPEN = CACHE * 10;
const REPORTS = Number(process.env.BENCH_REPORTS ?? 400);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const REPORTS_ACCOUNTED = Number(process.env.BENCH_REPORTS_ACCOUNTED ?? 20);
/** Ours with another continue-as-new bound (its start input's `historyEventLimit`), e.g. to weigh the bound. */
const HISTORY_EVENT_LIMIT = process.env.BENCH_HISTORY_EVENT_LIMIT ? Number(process.env.BENCH_HISTORY_EVENT_LIMIT) : undefined;
/** Work orders completed one at a time to time closing (cached only). */
const CLOSINGS = Number(process.env.BENCH_CLOSINGS ?? 15);
/** BENCH_CLUSTER=1: the full server on PostgreSQL (dev/cluster) in the dev server's place; the database's CPU is counted too. */
const CLUSTER = process.env.BENCH_CLUSTER === '1';
const SERVER = CLUSTER ? 'the full server on PostgreSQL' : 'the dev server';
const TOTAL = totalCpuColumn(CLUSTER);

interface Subject {
  name: string;
  entry: string;
  /** The plain workflow's per-report options (its own input, which our client would refuse). */
  perReport?: { localActivity?: boolean };
}
const ALL_SUBJECTS: Subject[] = [
  { name: 'ours', entry: WORKER_ENTRIES.ours },
  { name: 'Update + activity', entry: WORKER_ENTRIES.baseline, perReport: {} },
  { name: 'Update + local activity (floor)', entry: WORKER_ENTRIES.baseline, perReport: { localActivity: true } },
];
/** BENCH_SUBJECTS=ours (comma-separated names' first words) runs only those, e.g. to compare two builds of ours. */
const SUBJECTS = process.env.BENCH_SUBJECTS ? ALL_SUBJECTS.filter((s) => process.env.BENCH_SUBJECTS!.split(',').includes(s.name.split(' ')[0]!)) : ALL_SUBJECTS;

type Event = temporal.api.history.v1.IHistoryEvent;

/** Every event of every run of a workflow id, first run first. */
async function allRuns(stack: BenchStack, workflowId: string): Promise<Event[]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push({ runId: execution.runId, start: execution.startTime.getTime() });
  runs.sort((a, b) => a.start - b.start);
  const events: Event[] = [];
  for (const { runId } of runs) events.push(...((await stack.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? []));
  return events;
}

/** What a stretch of history made Temporal do, counted by Temporal Cloud's rules for Actions. */
function account(events: Event[]) {
  const count = (has: (e: Event) => unknown) => events.filter(has).length;
  // Local activities: one Action per workflow task that recorded any (its markers follow its completion).
  let tasksWithLocal = 0;
  let countedThisTask = true;
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes) countedThisTask = false;
    if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && !countedThisTask) {
      tasksWithLocal += 1;
      countedThisTask = true;
    }
  }
  const counts = {
    events: events.length,
    workflowTasks: count((e) => e.workflowTaskCompletedEventAttributes),
    activityTasks: count((e) => e.activityTaskStartedEventAttributes),
    localActivities: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
    timers: count((e) => e.timerStartedEventAttributes),
    upserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
    updates: count((e) => e.workflowExecutionUpdateAcceptedEventAttributes),
    signals: count((e) => e.workflowExecutionSignaledEventAttributes),
    newRuns: count((e) => e.workflowExecutionContinuedAsNewEventAttributes),
  };
  const actions = counts.updates + counts.signals + counts.activityTasks + tasksWithLocal + counts.timers + counts.upserts + counts.newRuns;
  return { ...counts, actions };
}

async function main(): Promise<void> {
  // The cluster's dynamic config (deploy/temporal/dynamicconfig.yaml) has fairness on.
  const fairness = CLUSTER || process.env.BENCH_FAIRNESS !== 'off';
  const stack = await startBenchStack({ fairness, cluster: CLUSTER });
  const rows: Row[] = [];
  try {
    for (const subject of SUBJECTS) {
      for (const evicted of [false, true]) {
        const open = evicted ? EVICTED_OPEN : CACHE;
        const taskQueue = `bench-report-cost-${rows.length}-${Date.now().toString(36)}`;
        const worker = await stack.startWorker(subject.entry, taskQueue, { WORKER_MAX_CACHED_WORKFLOWS: String(evicted ? CACHE : open + 10), WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` });
        const workOrders = stack.workOrders(taskQueue);
        try {
          const notifiedCount = async () => (await notifications(stack.sandboxUrl)).length;
          const input = (id: string) => ({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` }, ...(HISTORY_EVENT_LIMIT ? { historyEventLimit: HISTORY_EVENT_LIMIT } : {}) });
          const start = subject.perReport
            ? async (id: string) => void (await stack.client.workflow.start('workOrderWorkflow', { taskQueue, workflowId: workflowIdFor(id), args: [{ ...input(id), perReport: subject.perReport }] }))
            : async (id: string) => void (await workOrders.start(input(id)));
          const ids = Array.from({ length: open }, (_, i) => `${taskQueue}-${i}`);
          const notifiedBefore = (await notifiedCount()) + open;
          await pool(ids, 20, start);
          while ((await notifiedCount()) < notifiedBefore) await sleep(200);

          // 2. Load.
          const load = await measureReports(
            stack,
            worker,
            Array.from({ length: REPORTS }, (_, i) => i),
            IN_FLIGHT,
            async (i) => void (await workOrders.reportProgress(ids[Math.floor(Math.random() * open)]!, { progressId: `r${i}`, node: `node-${i % 7}` })),
            async () => (await notifiedCount()) - notifiedBefore >= REPORTS,
          );

          // 1. Accounting: one work order, reports one after another, each waited for until 店小蜜 has it.
          const accounted = `${taskQueue}-accounted`;
          // Ours sends the work order id, the plain workflow its workflow id.
          const notifiedOf = async () =>
            (await notifications(stack.sandboxUrl)).filter((c) => [accounted, workflowIdFor(accounted)].includes(String(c.params.work_order_notify_dxm_command?.work_order_id))).length;
          await start(accounted);
          while ((await notifiedOf()) < 1) await sleep(100);
          const before = account(await allRuns(stack, workflowIdFor(accounted)));
          for (let i = 0; i < REPORTS_ACCOUNTED; i++) {
            await workOrders.reportProgress(accounted, { progressId: `a${i}`, node: `node-${i % 7}` });
            while ((await notifiedOf()) < i + 2) await sleep(50);
          }
          await sleep(500); // the last report's workflow task completes after its call
          const after = account(await allRuns(stack, workflowIdFor(accounted)));
          const per = (key: keyof typeof after) => (after[key] - before[key]) / REPORTS_ACCOUNTED;

          // 3. Closing, cached only: completion signalled → the final 店小蜜 call at the gateway, one work order at a time.
          const closings: number[] = [];
          for (const id of evicted ? [] : ids.slice(0, CLOSINGS)) {
            const signalled = Date.now();
            await workOrders.complete(id, { resultMessage: 'done' });
            for (;;) {
              // Its first 店小蜜 call after the signal: every report before it was sent (the plain workflow's says `completed: false`).
              const final = (await notifications(stack.sandboxUrl)).find(
                (c) => [id, workflowIdFor(id)].includes(String(c.params.work_order_notify_dxm_command?.work_order_id)) && c.receivedAt >= signalled,
              );
              if (final) {
                closings.push(final.receivedAt - signalled);
                break;
              }
              await sleep(20);
            }
          }
          closings.sort((a, b) => a - b);
          rows.push({
            subject: subject.name,
            'work orders open': open,
            cache: evicted ? CACHE : open + 10,
            ...loadColumns(load, REPORTS, CLUSTER),
            'events / report': per('events'),
            'workflow tasks / report': per('workflowTasks'),
            'activity tasks / report': per('activityTasks'),
            'local activities / report': per('localActivities'),
            'timers / report': per('timers'),
            'search upserts / report': per('upserts'),
            'new runs / report': per('newRuns'),
            'Cloud actions / report': per('actions') * (fairness ? 1.1 : 1),
            'closing p50 ms': evicted ? '' : percentile(closings, 50),
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
  if (SUBJECTS !== ALL_SUBJECTS) return; // a partial run: its rows are printed above, nothing is written
  const row = (subject: string, evicted: boolean) => rows.find((r) => r.subject === subject && (r['work orders open'] === EVICTED_OPEN) === evicted)!;
  const ratio = (column: string, evicted: boolean) => Number(row('ours', evicted)[column]) / Number(row('Update + local activity (floor)', evicted)[column]);
  const ratios = Object.fromEntries(
    [false, true].map((evicted) => [
      evicted ? 'evicted' : 'cached',
      {
        cpu: ratio(TOTAL, evicted),
        reportsPerSecond: ratio('reports/s', evicted),
        updateP99: ratio('Update p99 ms', evicted),
        actions: ratio('Cloud actions / report', evicted),
      },
    ]),
  );
  // Closing against a plain workflow's signal → activity (its final call is a regular activity).
  const closingRatio = Number(row('ours', false)['closing p50 ms']) / Number(row('Update + activity', false)['closing p50 ms']);
  report(CLUSTER ? 'report-cost-cluster' : 'report-cost', `Sale day III: what one progress report costs, ours beside Temporal's floor (Update + local activity), ${SERVER}, fairness ${fairness ? 'on' : 'off'}`, rows, {
    ratios,
    closingRatio,
    note:
      `Ours ÷ the floor, cached: ${CLUSTER ? 'worker + server + PostgreSQL' : 'worker + server'} CPU ${ratios.cached!.cpu.toFixed(2)}×, reports/s ${ratios.cached!.reportsPerSecond.toFixed(2)}×, Update p99 ${ratios.cached!.updateP99.toFixed(2)}×, Cloud actions ${ratios.cached!.actions.toFixed(2)}×; ` +
      `evicted: CPU ${ratios.evicted!.cpu.toFixed(2)}×, reports/s ${ratios.evicted!.reportsPerSecond.toFixed(2)}×, Update p99 ${ratios.evicted!.updateP99.toFixed(2)}×, Cloud actions ${ratios.evicted!.actions.toFixed(2)}×. ` +
      `Load: ${REPORTS} reports, ${IN_FLIGHT} in flight, to work orders chosen at random; cached: ${CACHE} open, cache ${CACHE + 10}; evicted: ${EVICTED_OPEN} open, cache ${CACHE}. ` +
      `CPU of the worker process and ${SERVER} while the reports ran; Update latency until the Update was accepted. ` +
      `Closing (cached): ${CLOSINGS} work orders completed one at a time, completion signalled → the final 店小蜜 call received by the gateway; ours ÷ Update + activity (a plain workflow's signal → activity): ${closingRatio.toFixed(2)}×. ` +
      `Accounting (the per-report columns from "events" to "Cloud actions"): ${REPORTS_ACCOUNTED} reports to one work order, one after another, from its histories (every run). ` +
      `Cloud actions by Temporal's published rules: an Update 1, an activity start 1, all local activities of one workflow task 1, a timer 1, a search-attribute upsert 1, a new run 1${fairness ? ', times 1.1 with fairness on' : ''}. ` +
      'The floor\'s and Update + activity\'s 店小蜜 call is a bare undici request; ours goes through the TOP client (validation, pacing, ban gate, span, metrics).',
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
