import { ActivityFailure, condition, isCancellation, log } from '@temporalio/workflow';
import type { StepName } from '../work-order/view';
import type { Ending } from './inbox';
import { describeStepFailure } from './step-failure';
import type { WorkOrder } from './work-order-state';

/** Thrown out of a failed step when cancellation is asked for instead of a retry. */
export class CancelRequested extends Error {
  constructor(readonly ending: Ending) {
    super('cancellation requested while a step waited for an operator');
  }
}

/**
 * Runs one TOP step. Transient trouble is retried inside the activity; a permanent failure is recorded,
 * shown (status `failed`, its reason in `lastError`) and waits for an operator's retry signal — or, before
 * closing has begun, for cancellation.
 */
export async function runStep(order: WorkOrder, step: StepName, node: string | undefined, call: () => Promise<void>): Promise<void> {
  order.waitingFor(`TOP: ${step}${node ? ` (${node})` : ''}`);
  for (;;) {
    try {
      await call();
      order.stepSucceeded(step, node);
      return;
    } catch (error) {
      // Cut short by cancellation, the call may have reached TOP: closing must undo it all the same.
      if (isCancellation(error)) order.mayExistOnTop(step);
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
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
      const statusBefore = order.view.status;
      order.setStatus('failed');
      order.waitingFor(`operator retry of ${step}: ${failure.message}`);
      const { inbox } = order;
      inbox.retryRequested = false;
      const cancellable = !order.closing;
      await condition(() => inbox.retryRequested || (cancellable && inbox.ending?.kind === 'cancelled'));
      if (!inbox.retryRequested && inbox.ending) throw new CancelRequested(inbox.ending);
      order.setStatus(statusBefore);
      order.waitingFor(`TOP: ${step}${node ? ` (${node})` : ''} (operator retry)`);
    }
  }
}
