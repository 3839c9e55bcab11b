import { workflowInfo } from '@temporalio/workflow';

/**
 * A run continues as new once its history passes this many events (the start input's `historyEventLimit`
 * overrides it). Each bound stays with the histories recorded under it: 1.0's path (two workflow tasks and
 * about twelve events a report) 40; 1.1's lean path (one workflow task, about seven events) 100; today's
 * (patch SHORTER_RUNS) 60, about eight reports a run. Why 60: a report to an evicted work order replays its
 * current run first, so a shorter run costs less CPU per report, while a new run costs the server little
 * measurable and one Temporal Cloud Action; over a work order's 20-report life, evicted, 60 cost 13–20% less
 * worker + server CPU per report than 100, and 40 about a tenth less again but with the Update p99 at its worst
 * and a work order split into about four runs in the UI (bench/results/run-length*.md; docs/cluster-and-sizing.md).
 */
const HISTORY_EVENT_LIMIT = { '1.0': 40, '1.1': 100, '1.2': 60 } as const;

/** Whether the run should continue as new: its history is past the bound, or the server suggests it. */
export function historyIsLong(path: keyof typeof HISTORY_EVENT_LIMIT, override?: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (override ?? HISTORY_EVENT_LIMIT[path]);
}
