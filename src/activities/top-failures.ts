import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { TopError, TopInputError } from '../top';
import { SessionNotFoundError } from './sessions';

/**
 * The one place that turns what went wrong with TOP into a retry decision for Temporal, so no activity
 * carries retry logic:
 * - transient → retryable, the workflow's backoff applies;
 * - rate-limited → retryable, next attempt after the ban the gateway stated;
 * - business, authorization, configuration, invalid input → non-retryable, with TOP's code and message
 *   kept in the failure details for the work order's status.
 */
export function toRetryDecision(error: unknown): unknown {
  if (error instanceof TopError) {
    return ApplicationFailure.create({
      type: `TopError:${error.classification}`,
      message: error.message,
      nonRetryable: !error.retryable,
      nextRetryDelay: error.classification === 'rate-limited' ? afterBan(error.retryAfterMs ?? 1_000) : undefined,
      details: [error.toJSON()],
    });
  }
  if (error instanceof SessionNotFoundError) {
    return ApplicationFailure.create({ type: 'TopError:authorization', message: error.message, nonRetryable: true, details: [{ classification: 'authorization', seller: error.seller }] });
  }
  if (error instanceof TopInputError) {
    return ApplicationFailure.create({ type: 'TopInputError', message: error.message, nonRetryable: true, details: [{ classification: 'business', issues: error.issues }] });
  }
  return error;
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
