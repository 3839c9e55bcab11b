import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Cancellation, Completion, ProgressReport, ProgressReportRaw, StepSkip, WorkOrderInputRaw } from './schemas';
import type { ProgressAck, WorkOrderView } from './view';

/** The work-order workflow's messages, shared by the workflow and the client. */

/**
 * The workflow as a client starts it: the work order in, its final view out. The client knows the workflow
 * by this type alone, so a backend's build never compiles workflow code (work-order.ts checks it matches).
 */
export type WorkOrderWorkflow = (input: WorkOrderInputRaw) => Promise<WorkOrderView>;
export const WORK_ORDER_WORKFLOW_TYPE = 'workOrderWorkflow';

/** Validated before it enters history; the answer says whether it was new. */
export const reportProgressUpdate = defineUpdate<ProgressAck, [ProgressReportRaw]>('reportProgress');
/** Fire-and-forget progress for senders that cannot wait for an answer. */
export const progressSignal = defineSignal<[ProgressReport]>('progress');
export const completeSignal = defineSignal<[Completion]>('complete');
export const cancelSignal = defineSignal<[Cancellation]>('cancel');
/** An operator's go-ahead to retry the step that failed permanently, once its cause is fixed. */
export const retrySignal = defineSignal('retry');
/** An operator's go-ahead to carry on without the step that failed permanently (e.g. a closing call TOP keeps refusing). */
export const skipSignal = defineSignal<[StepSkip]>('skip');
export const statusQuery = defineQuery<WorkOrderView>('status');
