/**
 * Sale day I: where an evicted report's time goes, as a function of the run's history length.
 *
 * Work orders of 0 … 500 progress reports, each in one run (continue-as-new held off), are recorded on a
 * dev server, ours and the baseline (bench/lib/baseline-work-order.ts: the same messages and activity calls,
 * no state of ours). Then each history is replayed in this process, as a worker replays an evicted work
 * order before it can take the next report. Per history length:
 * - fetch: the whole history from the server (what a workflow task to a worker without the run carries);
 * - creation: replaying the first workflow task alone (the bundle's modules evaluated for the workflow,
 *   the interceptors, the first activation);
 * - replay: the whole history; per workflow task = (replay − creation) / (workflow tasks − 1).
 * Replays are CPU time of this process (the workflow thread and the SDK's core), medians of REPEATS.
 * Three workflow bundles: ours as production builds it (interceptors in), the baseline with the same
 * interceptors, and the baseline without any.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { bundleWorkOrderWorkflows } from '../src/worker/workflow-bundle';
import { createTracing, WORKFLOW_INTERCEPTOR_MODULES } from '../src/worker/tracing';
import { workflowIdFor } from '../src/work-order/temporal-names';
import { percentile, report, type Row } from './lib/report';
import { startBenchStack, WORKER_ENTRIES, type BenchStack } from './lib/stack';

type History = temporal.api.history.v1.IHistory;

const REPORTS = (process.env.BENCH_REPLAY_REPORTS ?? '0,5,20,50,100,200,500').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPLAY_REPEATS ?? 7);

/** One work order per report count, each report accepted and told to 店小蜜 before the next. */
async function record(stack: BenchStack, entry: string, taskQueue: string): Promise<Map<number, History>> {
  const worker = await stack.startWorker(entry, taskQueue);
  const workOrders = stack.workOrders(taskQueue);
  const histories = new Map<number, History>();
  try {
    for (const reports of REPORTS) {
      const id = `${taskQueue}-${reports}`;
      await workOrders.start({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` }, historyEventLimit: 50_000 });
      for (let i = 0; i < reports; i++) await workOrders.reportProgress(id, { progressId: `p${i}`, node: `node-${i % 7}` });
      // Every report told to 店小蜜: the history ends where an idle work order waits for the next one. The
      // created event and the first node, then one call per report, all in this one run.
      const handle = stack.client.workflow.getHandle(workflowIdFor(id));
      const deadline = Date.now() + 60_000;
      let history: History | undefined;
      while (!history) {
        if (Date.now() > deadline) throw new Error(`${id}: not ${reports + 2} calls in its first run within a minute: did it continue as new?`);
        await sleep(200);
        if (((await handle.describe()).raw.pendingActivities ?? []).length > 0) continue;
        const fetched = await handle.fetchHistory();
        if ((fetched.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length === reports + 2) history = fetched;
      }
      histories.set(reports, history);
    }
  } finally {
    await worker.stop();
  }
  return histories;
}

/** The events up to the first workflow task's start: replaying them creates the workflow and runs its first activation. */
function firstTaskOnly(history: History): History {
  const events = history.events ?? [];
  const firstStarted = events.findIndex((e) => e.workflowTaskStartedEventAttributes);
  return { events: events.slice(0, firstStarted + 1) };
}

const workflowTasks = (history: History) => (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;

/**
 * Replays histories one after another in one replay worker, each once it is asked for, and measures each
 * replay's CPU time (process-wide: the workflow thread and core) and wall time.
 */
async function replayCosts(bundle: WorkflowBundleWithSourceMap, histories: History[]): Promise<{ cpuMs: number; wallMs: number }[]> {
  const costs: { cpuMs: number; wallMs: number }[] = [];
  let started = { cpu: process.cpuUsage(), wall: performance.now() };
  let done: () => void = () => undefined;
  async function* feed() {
    for (const [index, history] of histories.entries()) {
      const finished = new Promise<void>((resolve) => (done = resolve));
      started = { cpu: process.cpuUsage(), wall: performance.now() };
      yield { workflowId: `replay-${index}`, history };
      await finished;
    }
  }
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'replay-cost', sinks: createTracing({ serviceName: 'replay-cost' }).sinks }, feed())) {
    const cpu = process.cpuUsage(started.cpu);
    costs.push({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - started.wall });
    if (result.error) throw result.error;
    done();
  }
  return costs;
}

async function main(): Promise<void> {
  const quiet = new DefaultLogger('ERROR');
  // Bundled first, so the code replayed is the code that recorded the histories.
  const bundles = {
    ours: await bundleWorkOrderWorkflows(),
    'baseline (same interceptors)': await bundleWorkflowCode({ workflowsPath: require.resolve('./lib/baseline-work-order'), workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES], logger: quiet }),
    'baseline (no interceptors)': await bundleWorkflowCode({ workflowsPath: require.resolve('./lib/baseline-work-order'), logger: quiet }),
  };
  // The server suggests continue-as-new at 4,096 events; held off here, so one run holds 500 reports.
  const stack = await startBenchStack({ dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 50_000 } });
  let recorded: { ours: Map<number, History>; baseline: Map<number, History> };
  const fetchMs: Record<string, Map<number, number>> = { ours: new Map(), baseline: new Map() };
  try {
    recorded = {
      ours: await record(stack, WORKER_ENTRIES.ours, 'replay-ours'),
      baseline: await record(stack, WORKER_ENTRIES.baseline, 'replay-baseline'),
    };
    // Kept for profiling a replay (node --cpu-prof over Worker.runReplayHistory of one of them).
    const saved = mkdtempSync(join(tmpdir(), 'replay-cost-'));
    for (const [name, histories] of Object.entries(recorded)) {
      for (const [reports, history] of histories) writeFileSync(join(saved, `${name}-${reports}.json`), historyToJSON(history));
    }
    console.log(`histories in ${saved}`);
    // The server's part: the whole history, fetched as a worker without the run receives it.
    for (const [name, queue] of [['ours', 'replay-ours'], ['baseline', 'replay-baseline']] as const) {
      for (const reports of REPORTS) {
        const samples: number[] = [];
        for (let i = 0; i < REPEATS; i++) {
          const t0 = performance.now();
          await stack.client.workflow.getHandle(workflowIdFor(`${queue}-${reports}`)).fetchHistory();
          samples.push(performance.now() - t0);
        }
        fetchMs[name]!.set(reports, percentile(samples.sort((a, b) => a - b), 50));
      }
    }
  } finally {
    await stack.stop();
  }

  const rows: Row[] = [];
  const curve: Record<string, unknown>[] = [];
  for (const [name, bundle] of Object.entries(bundles)) {
    const histories = name === 'ours' ? recorded.ours : recorded.baseline;
    // Warm the replay worker's thread and the bundle's code before measuring.
    await replayCosts(bundle, [...histories.values()].slice(0, 3));
    for (const reports of REPORTS) {
      const full = histories.get(reports)!;
      const first = firstTaskOnly(full);
      // First task and whole history alternated, so a drift of the machine's speed touches both alike.
      const plan = Array.from({ length: 2 * REPEATS }, (_, i) => (i % 2 === 0 ? 'first' : 'full'));
      const samples = await replayCosts(bundle, plan.map((kind) => (kind === 'first' ? first : full)));
      const pick = (kind: string) => samples.filter((_, i) => plan[i] === kind);
      const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
      const creationCpu = median(pick('first').map((s) => s.cpuMs));
      const replayCpu = median(pick('full').map((s) => s.cpuMs));
      const tasks = workflowTasks(full);
      const events = full.events?.length ?? 0;
      const perTask = tasks > 1 ? (replayCpu - creationCpu) / (tasks - 1) : 0;
      const fetch = fetchMs[name === 'ours' ? 'ours' : 'baseline']!.get(reports)!;
      rows.push({
        workflow: name,
        reports,
        'history events': events,
        'workflow tasks': tasks,
        'fetch ms': fetch,
        'creation CPU ms': creationCpu,
        'replay CPU ms': replayCpu,
        'per workflow task CPU ms': perTask,
        'replay wall ms': median(pick('full').map((s) => s.wallMs)),
      });
      curve.push({ workflow: name, reports, events, tasks, fetchMs: fetch, creationCpuMs: creationCpu, replayCpuMs: replayCpu, perTaskCpuMs: perTask });
    }
  }
  const at = (name: string, reports: number) => rows.find((row) => row.workflow === name && row.reports === reports);
  const largest = REPORTS.at(-1)!;
  const ratio = (a: Row | undefined, b: Row | undefined, key: string) => (a && b ? (Number(a[key]) / Number(b[key])).toFixed(2) : 'n/a');
  report('replay-cost', 'Sale day I: replaying an evicted work order, by history length (one run, continue-as-new held off)', rows, {
    curve,
    summary: `Replay CPU of ours against the baseline with the same interceptors: ${ratio(at('ours', 20), at('baseline (same interceptors)', 20), 'replay CPU ms')}× at 20 reports, ${ratio(at('ours', largest), at('baseline (same interceptors)', largest), 'replay CPU ms')}× at ${largest}. ${REPEATS} replays of each history (and of its first task alone) alternated in one replay worker; CPU is this process's (workflow thread and core), medians. Fetch: the whole history from the dev server, median of ${REPEATS}.`,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
