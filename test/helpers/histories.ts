import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const HISTORIES_DIR = resolve(__dirname, '../histories');

/**
 * The recordings' generations, named by their file suffix. The first ('') is the 1.0.0 release's: its files
 * are the replay contract, checked against test/histories/released-1.0.0.sha256, and are never re-recorded.
 * A workflow change that alters histories is patched and adds a generation (`-v2`, …), recorded under the
 * new code; every generation keeps replaying until docs/changing-workflows.md's lifecycle retires it.
 * `-1.0.1`: recorded under the `strict-input` patch (its marker only where refused input took it).
 * `-1.1.0`: recorded under the `lean-reports` patch (its marker once per work order, in the first run).
 * `-1.2.0`: recorded under the `shorter-runs` patch (the same, in `lean-reports`' place).
 */
export const HISTORY_GENERATIONS = ['', '-1.0.1', '-1.1.0', '-1.2.0'] as const;
const CURRENT_GENERATION = HISTORY_GENERATIONS.at(-1)!;

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), keeps the history of a finished scenario for the
 * replay suite, under the current generation's name. An existing file is never overwritten: each one
 * proves that today's code still replays runs recorded by older code.
 */
export async function saveHistory(env: TestWorkflowEnvironment, workflowId: string, scenario: string, runId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = join(HISTORIES_DIR, `${scenario}${CURRENT_GENERATION}.json`);
  if (existsSync(file)) return;
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(file, historyToJSON(history));
}

/** Every run of a workflow id, the first run first. */
export async function runIdsOf(env: TestWorkflowEnvironment, workflowId: string): Promise<string[]> {
  const runs: { runId: string; start: number }[] = [];
  for await (const run of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push({ runId: run.runId, start: run.startTime.getTime() });
  return runs.sort((a, b) => a.start - b.start).map((run) => run.runId);
}

/**
 * A run's history (the latest run, unless `runId`) as `schedule <activity>`, `local <activity>` (a local
 * activity's marker), `patch <id>`, `upsert <keys>` or the event's kind, oldest first.
 */
export async function eventsOf(env: TestWorkflowEnvironment, workflowId: string, runId?: string): Promise<string[]> {
  const { events } = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return (events ?? []).map((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const upsert = event.upsertWorkflowSearchAttributesEventAttributes;
    const marker = event.markerRecordedEventAttributes;
    if (scheduled) return `schedule ${scheduled.activityType?.name}`;
    if (upsert) return `upsert ${Object.keys(upsert.searchAttributes?.indexedFields ?? {}).sort().join('+')}`;
    if (marker) return markerOf(marker);
    return Object.keys(event).find((key) => key.endsWith('EventAttributes') && event[key as keyof typeof event])!.replace('EventAttributes', '');
  });
}

/** A marker as `local <activity type>` or `patch <id>`. */
function markerOf(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes): string {
  if (marker.markerName === 'core_local_activity') return `local ${String(markerDetail(marker, 'data').activity_type)}`;
  if (marker.markerName === 'core_patch') return `patch ${String(markerDetail(marker, 'patch-data').id)}`;
  return `marker ${marker.markerName}`;
}

/** The ids of the patches a run took, in the order its markers record them. */
export function patchIdsOf(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    return marker?.markerName === 'core_patch' ? [String(markerDetail(marker, 'patch-data').id)] : [];
  });
}

/** One of a marker's details, as Temporal's core SDK writes them (JSON). */
function markerDetail(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes, key: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(marker.details?.[key]?.payloads?.[0]?.data ?? []).toString()) as Record<string, unknown>;
}
