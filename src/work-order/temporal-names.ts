/**
 * The names a work order goes by in Temporal, shared by the workflow, the worker, the client and the CLI.
 * Plain strings: loaded into workflow code too.
 */

export const DEFAULT_TASK_QUEUE = 'taobao-work-orders';

const WORKFLOW_ID_PREFIX = 'work-order-';

/** The workflow id of a work order: stable, so starting it twice finds the same workflow. */
export const workflowIdFor = (workOrderId: string): string => `${WORKFLOW_ID_PREFIX}${workOrderId}`;

/** The work order a workflow id belongs to, or undefined for other workflows. */
export const workOrderIdOf = (workflowId: string): string | undefined =>
  workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;

/** The failure type of an Update refused because the work order is ending (completion or cancellation arrived). */
export const WORK_ORDER_CLOSED_FAILURE = 'WorkOrderClosed';

/**
 * The failure type of an Update refused because the work order holds as much progress as it can carry:
 * too many reports waiting to be sent (retry later), or every progress id it can remember used.
 */
export const PROGRESS_REFUSED_FAILURE = 'ProgressRefused';

/** Why a report was refused: `queue-full` passes once the waiting reports are sent; `progress-ids-full` is for good. */
export type ProgressRefusal = 'queue-full' | 'progress-ids-full';
