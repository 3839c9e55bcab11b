import { ActivityFailure, isCancellation, log } from '@temporalio/workflow';
import type { StepName } from '../work-order/view';
import { EndRequested } from './interruptions';
import { describeStepFailure, mayHaveReachedTop } from './step-failure';
import type { WorkOrder } from './work-order-state';

export interface StepOptions {
  /** The node the step concerns (店小蜜 notifications). */
  node?: string;
  /** Sent once in the work order's life: a run that continued as new after it does not send it again. */
  once?: boolean;
}

/**
 * Runs one TOP step. Transient trouble is retried inside the activity; a permanent failure is recorded,
 * shown (status `failed`, its reason in `lastError`) and waits for an operator to retry or skip the step.
 * Before closing, cancellation and the SLA's close stop the work order where it stands, cutting a call in
 * flight short (EndRequested); a long history continues the run as new from the same step.
 */
export async function runStep(order: WorkOrder, step: StepName, options: StepOptions, call: () => Promise<void>): Promise<void> {
  const { node, once = false } = options;
  if (once && order.hasDone(step)) return;
  const what = `TOP: ${step}${node ? ` (${node})` : ''}`;
  // A run continued while this step waited for an operator waits again, without calling TOP unasked.
  let failed = order.wasAwaitingOperator(step);
  for (;;) {
    if (!failed) {
      const stoppable = !order.closing;
      if (stoppable) stopIfRequested(order);
      order.waitingFor(what);
      try {
        await (stoppable ? order.cutShortOnStop(call) : call());
        order.stepSucceeded(step, node, once);
        return;
      } catch (error) {
        // Cut short, the call may have reached TOP: closing sends it again first, then closes it.
        if (isCancellation(error)) {
          order.mayHaveReachedTop(step);
          stopIfRequested(order);
          throw error;
        }
        if (!(error instanceof ActivityFailure)) throw error;
        if (mayHaveReachedTop(error)) order.mayHaveReachedTop(step);
        const failure = describeStepFailure(error);
        order.stepFailed(step, node, failure);
        log.error('work order step failed permanently; waiting for an operator', {
          workOrderId: order.input.workOrderId,
          step,
          failureType: failure.type,
          reason: failure.message,
          classification: failure.classification,
          code: failure.code,
          subCode: failure.subCode,
        });
      }
    }
    const decision = await order.awaitOperator(step);
    if (decision.kind === 'skip') {
      order.stepSkipped(step, node, decision.reason, once);
      return;
    }
    failed = false;
  }
}

function stopIfRequested(order: WorkOrder): void {
  const stop = order.inbox.stopRequested;
  if (stop) throw new EndRequested(stop);
}
