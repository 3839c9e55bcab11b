import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { readStepFailureDetails } from '../work-order/failures';
import type { StepFailure } from '../work-order/view';

/** What a failed TOP step shows in the status and the UI: the failure's type and message, TOP's code. */
export function describeStepFailure(error: ActivityFailure): StepFailure {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    const { classification, code, subCode } = readStepFailureDetails(cause.details);
    return { type: cause.type ?? 'ApplicationFailure', message: cause.message, classification, code, subCode };
  }
  return { type: cause?.name ?? 'ActivityFailure', message: cause?.message ?? error.message };
}

/**
 * Whether a failed step's call may have reached TOP. Only a non-retryable failure is TOP's (or our own
 * gate's) definite refusal; a step that ran out of time (an hour of timeouts, transient errors, a call cut
 * off mid-flight) may have been applied without our hearing back.
 */
export function mayHaveReachedTop(error: ActivityFailure): boolean {
  return !refusedForGood(error);
}

/** TOP (or our own gate) refused the call and will refuse it again: a non-retryable failure. */
export function refusedForGood(error: ActivityFailure): boolean {
  return error.cause instanceof ApplicationFailure && error.cause.nonRetryable === true;
}
