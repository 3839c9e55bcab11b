import { workflowInfo } from '@temporalio/workflow';

/**
 * A run continues as new once its history passes this many events (the start input's `historyEventLimit`
 * overrides it). A work order no worker holds replays its current run before it takes a report: on average
 * half a run, at a few ms of CPU per workflow task; a new run costs about one workflow's creation. 1.0 ran
 * about three reports a run (two workflow tasks and twelve events each). On the lean path (a report is one
 * workflow task and about seven events) a run takes about fifteen: Updates that arrive as a run continues as
 * new wait for the next one, and at five reports a run the Update p99 was 1.7–2.0 s, against 0.4 s at fifteen
 * (bench/results/report-cost.md; the benchmark's `BENCH_HISTORY_EVENT_LIMIT` weighs other bounds). A work
 * order of 20 reports is two runs in the UI. The other side: an evicted report to a run near the bound replays
 * all of it, about twice the worker CPU of one early in its run (bench/results/wake.md). The trade-off is open:
 * docs/cluster-and-sizing.md; changing a bound changes when runs continue as new, so it takes a patch.
 */
const HISTORY_EVENT_LIMIT = { '1.0': 40, '1.1': 100, '1.2': 60 } as const;

/** Whether the run should continue as new: its history is past the bound, or the server suggests it. */
export function historyIsLong(path: keyof typeof HISTORY_EVENT_LIMIT, override?: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (override ?? HISTORY_EVENT_LIMIT[path]);
}
