import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { fitText, TopError, TopInputError } from '../top';
import type { StepFailureDetails } from '../work-order/failures';
import { SessionNotFoundError } from './sessions';

/**
 * The one place that turns what went wrong with TOP into a retry decision for Temporal, so no activity
 * carries retry logic:
 * - transient → retryable, the workflow's backoff applies;
 * - rate-limited → retryable, next attempt after the ban the gateway stated;
 * - business, authorization, configuration, invalid input → non-retryable, with TOP's code and message
 *   kept in the failure details (one StepFailureDetails record) for the work order's status.
 */
export function toRetryDecision(error: unknown): unknown {
  if (error instanceof TopError) {
    const { method, source, classification, code, subCode, msg, subMsg, requestId, httpStatus, retryAfterMs } = error;
    const details: StepFailureDetails = { classification, method, source, code, subCode, msg, subMsg, requestId, httpStatus, retryAfterMs };
    return failure(`TopError:${classification}`, error.message, !error.retryable, details, classification === 'rate-limited' ? afterBan(retryAfterMs ?? 1_000) : undefined);
  }
  if (error instanceof SessionNotFoundError) {
    return failure('TopError:authorization', error.message, true, { classification: 'authorization', seller: error.seller });
  }
  if (error instanceof TopInputError) {
    return failure('TopInputError', error.message, true, { classification: 'business', method: error.method, issues: error.issues });
  }
  // Anything else (a bug) keeps its class, with a bounded message: it is carried in the work order's state.
  if (error instanceof Error) error.message = fitText(error.message, MAX_FAILURE_MESSAGE);
  return error;
}

/** The longest message of a failure that is not TOP's (those are bounded by the TOP client). */
const MAX_FAILURE_MESSAGE = 1_000;

function failure(type: string, message: string, nonRetryable: boolean, details: StepFailureDetails, nextRetryDelay?: number): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable, nextRetryDelay, details: [details] });
}

/**
 * The ban's end plus a random spread of up to half the ban (at least 1 s): every call banned in the same
 * second would otherwise come back in the same instant and trip the limit again.
 */
function afterBan(banMs: number): number {
  return banMs + Math.floor(Math.random() * Math.max(1_000, banMs / 2));
}

class TopFailureInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0], next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1]): Promise<unknown> {
    try {
      return await next(input);
    } catch (error) {
      throw toRetryDecision(error);
    }
  }
}

export const topFailureInterceptor: ActivityInterceptorsFactory = () => ({ inbound: new TopFailureInterceptor() });
