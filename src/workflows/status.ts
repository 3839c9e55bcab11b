/** What a work order looks like from outside: the answer to the status query, and the workflow's result. */

export type WorkOrderStatus =
  /** Being created on TOP: event, case, first node. */
  | 'opening'
  /** Created on TOP, waiting for progress and completion. */
  | 'open'
  /** Open past its SLA deadline. */
  | 'escalated'
  /** A TOP call failed permanently; waiting for an operator's retry (or cancellation). */
  | 'failed'
  /** Completion, cancellation or timeout received; closing on TOP. */
  | 'closing'
  | 'completed'
  | 'cancelled'
  | 'timed-out';

export type StepName =
  | 'emit-created-event'
  | 'open-case'
  | 'notify-node'
  | 'close-case'
  | 'notify-final-node'
  | 'emit-closing-event';

export interface StepFailure {
  /** `TopError:business`, `TopError:authorization`, `SessionNotFound`, … */
  type: string;
  message: string;
  classification?: string;
  code?: string | number;
  subCode?: string;
}

export interface StepRecord {
  step: StepName;
  /** The node it concerned, for notifications. */
  node?: string;
  /** ISO time the step happened (workflow time). */
  at: string;
  outcome: 'ok' | 'failed';
  failure?: StepFailure;
}

export interface WorkOrderView {
  workOrderId: string;
  status: WorkOrderStatus;
  currentNode: string;
  /** What the work order is waiting for, in words. */
  waitingFor: string;
  /** The most recent steps, oldest first (bounded; `stepCount` counts them all). */
  steps: StepRecord[];
  stepCount: number;
  lastError?: StepFailure & { step: StepName; at: string };
  /**
   * What exists on TOP and must be closed: set when the step succeeded, or when it was cut short by
   * cancellation with its outcome unknown. A step TOP refused leaves nothing to close.
   */
  onTop: { createdEvent: boolean; case: boolean };
  escalatedAt?: string;
  slaDeadline?: string;
  progressReceived: number;
  /** Progress reports not yet sent to 店小蜜. */
  progressPending: number;
  /** Malformed messages that arrived by signal (an Update rejects them before they are recorded). */
  rejectedMessages: number;
  closedAt?: string;
  closingReason?: string;
}
