/** What the work-order client answers, and the errors it throws beyond invalid input. */
import type { ProgressRefusal } from '../work-order/temporal-names';
import type { ClosedStatus, WorkOrderStatus } from '../work-order/view';

export type { ClosedStatus, ProgressRefusal };

/** No work order with this id was ever started (or its history is past the namespace's retention). */
export class WorkOrderNotFoundError extends Error {
  override readonly name = 'WorkOrderNotFoundError';
  constructor(readonly workOrderId: string) {
    super(`work order ${workOrderId} not found`);
  }
}

/** Progress refused: the work order has closed, or is closing because completion or cancellation arrived. */
export class WorkOrderClosedError extends Error {
  override readonly name = 'WorkOrderClosedError';
  constructor(
    readonly workOrderId: string,
    readonly status: ClosedStatus | 'closing',
  ) {
    super(`work order ${workOrderId} is ${status === 'closing' ? 'closing' : `closed (${status})`}; progress is no longer accepted`);
  }
}

/**
 * Progress refused because the work order holds as much as it can carry: `queue-full` while too many
 * reports wait to be sent (send it again later, once they are), `progress-ids-full` once it has used
 * every progress id it keeps (it takes no more progress).
 */
export class ProgressRefusedError extends Error {
  override readonly name = 'ProgressRefusedError';
  constructor(
    readonly workOrderId: string,
    readonly reason: ProgressRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The answer to complete and cancel. A work order that has already closed is left as it is. */
export type CloseAnswer = { workOrderId: string; alreadyClosed: false } | { workOrderId: string; alreadyClosed: true; status: ClosedStatus };

export interface RetryAnswer {
  workOrderId: string;
  /** True when the retry (or skip) signal was sent: the work order was waiting for an operator. */
  retried: boolean;
  /** The status it had when asked. */
  status: WorkOrderStatus | ClosedStatus;
  /** Why nothing was sent, when nothing was. */
  reason?: string;
}

export interface BatchRetryAnswer {
  /** Failed work orders that matched the filter. */
  matched: number;
  /** Those that were signalled to retry (0 on a dry run). */
  resumed: number;
  dryRun: boolean;
  workOrderIds: string[];
  /** Matches that were not resumed, with why (e.g. resumed by someone else meanwhile). */
  notResumed: { workOrderId: string; reason: string }[];
}

export interface StartResult {
  workOrderId: string;
  workflowId: string;
  /** True when the work order already existed and has finished: nothing new was started. */
  alreadyClosed: boolean;
}

/** How many running work orders are in one status. */
export interface RunningWorkOrderCount {
  status: string;
  count: number;
}

/** How many running work orders are in one status at one node. */
export interface OpenWorkOrderCount {
  status: string;
  node: string;
  count: number;
}

export interface WorkOrderSummary {
  workOrderId: string;
  workflowId: string;
  status?: string;
  node?: string;
  bizOrderId?: string;
  startTime: Date;
}
