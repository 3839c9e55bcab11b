import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';

/**
 * The server refuses, untyped, an Update the worker was handed but did not answer: seen for reports that
 * reach a run in the workflow task that continues it as new, and with more Updates to one work order in
 * flight than Temporal holds (see REPORTS_IN_FLIGHT_PER_WORK_ORDER). Never applied, it is sent again (the same
 * update id, so a report is applied once whatever happens).
 */
export async function updateUntilProcessed<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= UPDATE_ATTEMPTS || !notProcessedByWorker(error)) throw error;
      // Soon at first (the next run takes it at once), then backing off.
      await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** (attempt - 1), 2_000)));
    }
  }
}

/** About 9 s in all: a busy work order's workflow tasks follow one another for a few seconds on a sale day. */
const UPDATE_ATTEMPTS = 11;

const notProcessedByWorker = (error: unknown): boolean =>
  error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && !error.cause.type && /wasn't processed by worker/.test(error.cause.message);
