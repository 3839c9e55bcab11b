import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Cancellation, Completion, ProgressReport, ProgressReportRaw } from '../work-order/schemas';
import type { ProgressAck, WorkOrderView } from '../work-order/view';

/** Shared by the workflow, the worker and the client. */

export const DEFAULT_TASK_QUEUE = 'taobao-work-orders';

const WORKFLOW_ID_PREFIX = 'work-order-';

/** The workflow id of a work order: stable, so starting it twice finds the same workflow. */
export const workflowIdFor = (workOrderId: string): string => `${WORKFLOW_ID_PREFIX}${workOrderId}`;

/** The work order a workflow id belongs to, or undefined for other workflows. */
export const workOrderIdOf = (workflowId: string): string | undefined =>
  workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;

/** The failure type of an Update refused because the work order is ending (completion or cancellation arrived). */
export const WORK_ORDER_CLOSED_FAILURE = 'WorkOrderClosed';

/** Validated before it enters history; the answer says whether it was new. */
export const reportProgressUpdate = defineUpdate<ProgressAck, [ProgressReportRaw]>('reportProgress');
/** Fire-and-forget progress for senders that cannot wait for an answer. */
export const progressSignal = defineSignal<[ProgressReport]>('progress');
export const completeSignal = defineSignal<[Completion]>('complete');
export const cancelSignal = defineSignal<[Cancellation]>('cancel');
/** An operator's go-ahead to retry the step that failed permanently, once its cause is fixed. */
export const retrySignal = defineSignal('retry');
export const statusQuery = defineQuery<WorkOrderView>('status');
