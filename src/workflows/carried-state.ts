/** What a run starts from: a new work order's first view, or what the run before it carried. */
import { workflowInfo } from '@temporalio/workflow';
import type { WorkOrderInput } from '../work-order/schemas';
import type { StepName, WorkOrderView } from '../work-order/view';
import type { CarriedMessages } from './inbox';

/** Where the work order is in its life: a continued run picks up in the same phase. */
export type Phase = 'opening' | 'open' | 'closing';

/** Everything a continued run needs: the view, where it stood, and the messages not yet acted on. */
export interface CarriedState extends CarriedMessages {
  view: WorkOrderView;
  phase: Phase;
  /** The phase's once-only steps already done (sent or skipped): the next run does not send them again. */
  stepsDone: StepName[];
  /** The step that was waiting for an operator: the next run waits again rather than calling TOP unasked. */
  awaitingOperator?: StepName;
  slaDeadlineMs?: number;
  /** The latest time sent to TOP. */
  lastTopTime: number;
  /** A run before took the lean report path (1.1.0): this one takes it without asking `patched` again. */
  leanReports?: true;
  /** A run before took SHORTER_RUNS (1.2.0): this one continues as new at today's bound without asking again. */
  shorterRuns?: true;
}

/** A new work order's view, before anything is sent to TOP. */
export function firstView(input: WorkOrderInput, slaDeadlineMs: number | undefined): WorkOrderView {
  return {
    workOrderId: input.workOrderId,
    seller: input.seller,
    status: 'opening',
    createdAt: workflowInfo().startTime.toISOString(),
    onTop: { createdEvent: 'no', case: 'no' },
    currentNode: input.alime?.firstNode ?? 'created',
    waitingFor: 'creating the work order on TOP',
    steps: [],
    stepCount: 0,
    slaDeadline: slaDeadlineMs === undefined ? undefined : new Date(slaDeadlineMs).toISOString(),
    progressReceived: 0,
    progressPending: 0,
    rejectedMessages: 0,
  };
}
