/**
 * How the work order shows outside its state: search attributes (each write a visibility write), the UI's
 * Current Details, the lifecycle metric. The state decides when; this module writes.
 */
import { metricMeter, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, type MetricCounter, type SearchAttributePair, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { WorkOrderInput } from '../work-order/schemas';
import type { WorkOrderView } from '../work-order/view';
import { currentDetails } from './current-details';
import { BIZ_ORDER_ID, SELLER, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from '../work-order/search-attributes';

export type WorkOrderEvent = 'started' | 'escalated' | 'step_failed' | 'step_skipped' | 'completed' | 'cancelled' | 'timed-out';

/**
 * `work_orders{event}`. Replay-safe. Made once per workflow (this module is evaluated per workflow), on first
 * use: metricMeter needs a workflow context.
 */
let workOrderEventCounter: MetricCounter | undefined;
export function countWorkOrderEvent(event: WorkOrderEvent): void {
  (workOrderEventCounter ??= metricMeter.createCounter('work_orders', 'work orders', 'Work-order lifecycle events')).add(1, { event });
}

/** Status and node into search, when they differ from what search has. */
export function searchStatusAndNode(view: WorkOrderView): void {
  const current = workflowInfo().typedSearchAttributes;
  const changes: SearchAttributeUpdatePair[] = [];
  if (current.get(WORK_ORDER_STATUS) !== view.status) changes.push({ key: WORK_ORDER_STATUS, value: view.status });
  if (current.get(WORK_ORDER_NODE) !== view.currentNode) changes.push({ key: WORK_ORDER_NODE, value: view.currentNode });
  if (changes.length) upsertSearchAttributes(changes);
}

/** Sets the search attributes a client did not set at start (e.g. a run started from the Temporal CLI or another SDK). */
export function searchMissingAttributes(input: WorkOrderInput, view: WorkOrderView): void {
  const current = workflowInfo().typedSearchAttributes;
  const missing: SearchAttributeUpdatePair[] = [];
  if (current.get(WORK_ORDER_ID) === undefined) missing.push({ key: WORK_ORDER_ID, value: input.workOrderId });
  if (current.get(SELLER) === undefined) missing.push({ key: SELLER, value: input.seller });
  if (input.bizOrderId && current.get(BIZ_ORDER_ID) === undefined) missing.push({ key: BIZ_ORDER_ID, value: input.bizOrderId });
  if (current.get(WORK_ORDER_STATUS) !== view.status) missing.push({ key: WORK_ORDER_STATUS, value: view.status });
  if (current.get(WORK_ORDER_NODE) !== view.currentNode) missing.push({ key: WORK_ORDER_NODE, value: view.currentNode });
  if (missing.length) upsertSearchAttributes(missing);
}

/** Where Temporal lists the patches a run took (written by the SDK when `patched` first answers yes). */
const CHANGE_VERSION = defineSearchAttributeKey('TemporalChangeVersion', 'KEYWORD_LIST');

/**
 * A lean run's next run's search attributes: today's, and in `TemporalChangeVersion` the patch this run took
 * or carried, which a continued run does not inherit. The next run carries the decision and asks no patch;
 * the rollback that finds runs by their patch (docs/changing-workflows.md) finds it all the same.
 */
export function nextRunSearchAttributes(patch: string): SearchAttributePair[] {
  const attributes = workflowInfo().typedSearchAttributes;
  const current = attributes.getAll().filter((pair) => pair.key.name !== CHANGE_VERSION.name);
  const versions = attributes.get(CHANGE_VERSION) ?? [];
  return [...current, { key: CHANGE_VERSION, value: versions.includes(patch) ? versions : [...versions, patch] }];
}

/**
 * The UI's "Current Details". Served by a query, never written to history, so replay is unaffected.
 * Rendered where the work order starts to wait (`waitingFor`, and the SLA's escalation, which comes during
 * a wait) and when it closes: once per workflow task, not once per change.
 */
export function showDetails(view: WorkOrderView): void {
  setCurrentDetails(currentDetails(view));
}
