import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  TemporalFailure,
  TimeoutFailure,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { AliMeNotificationInput, NotSentLocally, WorkOrderActivities } from '../activities/work-order-activities';
import type { WorkOrderEventKind } from '../work-order/events';
import { CALL_PRIORITY, fairnessKeyOf, PROMOTED_AFTER_MS, type CallPriority } from '../work-order/priorities';
import { runStep } from './run-step';
import { refusedForGood } from './step-failure';
import type { WorkOrder } from './work-order-state';

/**
 * Transient TOP trouble (isp errors, 5xx, timeouts, rate-limit bans) is retried by Temporal with
 * backoff for up to an hour; after that, or at once for a permanent error, the step waits for an
 * operator (see run-step.ts). Which errors are permanent is decided in activities/top-failures.
 * A call cut short waits for its attempt to end (the SDK's default cancellation type), so no call of
 * the work order reaches TOP after the work order has moved on.
 */
const TOP_CALL: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

const activities = proxyActivities<WorkOrderActivities>(TOP_CALL);

/**
 * A 店小蜜 notification sent inside the workflow task (LEAN_REPORTS): one attempt, which the worker gives
 * up unsent when the budget or a ban would hold it more than a moment (activities/work-order-activities.ts).
 * Whatever does not succeed at once goes on as a regular activity, with its retries, priority and the
 * server's fair shares; only a permanent refusal ends the step here.
 */
const LOCAL_TOP_CALL: LocalActivityOptions = {
  startToCloseTimeout: TOP_CALL.startToCloseTimeout,
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

const localActivities = proxyLocalActivities<WorkOrderActivities>(LOCAL_TOP_CALL);

/** How the work order's 店小蜜 notification is meant: its first node, a progress node, or the final one. */
export type AliMeNode = 'first' | 'progress' | 'final';

/**
 * The work order's TOP calls, in business terms, each with a summary for the UI's timeline. `at` is when
 * the step's cause happened (creation, a report received, completion), never when an attempt runs; it is
 * stamped once per step through the work order's TOP clock, so retries resend the same time. A `resend`
 * (closing what may or may not have reached TOP) repeats the original call exactly, creation time included.
 */
export function topSteps(order: WorkOrder) {
  const { input } = order;
  const id = input.workOrderId;
  const stamp = (at: number, resend: boolean) => (resend ? at : order.topTime(at));
  const fairnessKey = fairnessKeyOf(input.seller);

  /**
   * Options for one call: the seller's fair share of the quota at the call's priority (see
   * work-order/priorities.ts). Below the top level, a call not dispatched within PROMOTED_AFTER_MS
   * (a Schedule-To-Start timeout, which Temporal does not retry) is scheduled again at the top, so a
   * sustained burst of higher-priority calls can delay it but never starve it.
   */
  const prioritized = async (priorityKey: CallPriority, summary: string, call: (options: ActivityOptions) => Promise<void>): Promise<void> => {
    const at = (key: CallPriority): ActivityOptions => ({ ...TOP_CALL, summary, priority: { priorityKey: key, fairnessKey } });
    if (priorityKey === CALL_PRIORITY.finalNotification) return await call(at(priorityKey));
    try {
      await call({ ...at(priorityKey), scheduleToStartTimeout: PROMOTED_AFTER_MS });
    } catch (error) {
      if (!waitedTooLong(error)) throw error;
      await call({ ...at(CALL_PRIORITY.finalNotification), summary: `${summary} (waited ${PROMOTED_AFTER_MS / 1000} s: now first)` });
    }
  };

  return {
    emitWorkOrderEvent(kind: WorkOrderEventKind, at: number, { resultMessage, resend = false }: { resultMessage?: string; resend?: boolean } = {}): Promise<void> {
      const node = order.view.currentNode;
      const stamped = stamp(at, resend);
      return runStep(order, kind === 'created' ? 'emit-created-event' : 'emit-closing-event', { node, once: true }, () =>
        prioritized(CALL_PRIORITY.bookkeeping, `Qianniu: work order ${id} ${kind}${resend ? ' (sent again)' : ''}`, (options) =>
          activities.emitWorkOrderEvent.executeWithOptions(options, [
            {
              workOrderId: id,
              seller: input.seller,
              kind,
              at: stamped,
              node,
              bizOrderId: input.bizOrderId,
              workOrderType: input.workOrderType,
              text: input.description,
              resultMessage,
              buyer: input.buyer,
              qianniu: input.qianniu,
            },
          ]),
        ),
      );
    },

    updateIdentificationCase(operation: 'open' | 'complete', at: number, tips: string, { resend = false } = {}): Promise<void> {
      const identification = input.identification!;
      const stamped = stamp(at, resend);
      const caseId = identification.caseId ?? id;
      return runStep(order, operation === 'open' ? 'open-case' : 'close-case', { once: true }, () =>
        prioritized(CALL_PRIORITY.bookkeeping, `AliGenius: ${operation} identification case ${caseId}${resend ? ' (sent again)' : ''}`, (options) =>
          activities.updateIdentificationCase.executeWithOptions(options, [
            { seller: input.seller, operation, caseId, detailOrderId: identification.detailOrderId, refundId: identification.refundId, at: stamped, tips },
          ]),
        ),
      );
    },

    notifyAliMe(node: string, data: Record<string, unknown> | undefined, meant: AliMeNode, at: number): Promise<void> {
      const asyncCode = input.alime!.asyncCode;
      const stamped = order.topTime(at);
      const completed = meant === 'final';
      const step = meant === 'first' ? 'notify-first-node' : meant === 'final' ? 'notify-final-node' : 'notify-node';
      const priority = completed ? CALL_PRIORITY.finalNotification : CALL_PRIORITY.notification;
      const args: [AliMeNotificationInput] = [{ workOrderId: id, asyncCode, node, data, completed, at: stamped, ...(order.leanReports ? { fairnessKey } : {}) }];
      const summary = `店小蜜: work order ${id} ${completed ? 'finished at' : 'reached'} node ${node}`;
      const byActivity = (why?: string) => prioritized(priority, why ? `${summary} (${why})` : summary, async (options) => void (await activities.notifyAliMe.executeWithOptions(options, args)));
      return runStep(order, step, { node, once: meant !== 'progress' }, () =>
        order.callsInsideWorkflowTasks ? locallyFirst('notifyAliMe', () => localActivities.notifyAliMe.executeWithOptions({ ...LOCAL_TOP_CALL, summary }, args), byActivity) : byActivity(),
      );
    },
  };
}

export type TopSteps = ReturnType<typeof topSteps>;

/**
 * Sends by a local activity. When the worker did not send it (the budget or a ban would have held it), or
 * the attempt failed without TOP refusing it for good, the same call goes on as a regular activity (its
 * summary says why), so no call waits inside a workflow task or depends on one.
 */
async function locallyFirst(activityType: string, local: () => Promise<NotSentLocally | undefined>, byActivity: (why: string) => Promise<void>): Promise<void> {
  let notSent: NotSentLocally | undefined;
  try {
    notSent = await local();
  } catch (error) {
    if (isCancellation(error)) throw error;
    const failure = asActivityFailure(activityType, error);
    if (refusedForGood(failure)) throw failure;
    const cause = failure.cause instanceof ApplicationFailure ? failure.cause.type : failure.cause?.name;
    return await byActivity(`by activity after ${cause ?? 'a failed local attempt'}`);
  }
  if (notSent) await byActivity(`by activity: ${notSent.notSent}`);
}

/**
 * A local activity's failure reaches the workflow as the activity's own failure (an ApplicationFailure, a
 * timeout), not wrapped as a regular activity's is: wrapped here, so that a step fails the same way either way.
 */
function asActivityFailure(activityType: string, error: unknown): ActivityFailure {
  if (error instanceof ActivityFailure) return error;
  if (!(error instanceof TemporalFailure)) throw error; // not the call's failure: the workflow task fails, and is retried
  const retryState = error instanceof ApplicationFailure && error.nonRetryable ? RetryState.NON_RETRYABLE_FAILURE : RetryState.MAXIMUM_ATTEMPTS_REACHED;
  return new ActivityFailure(error.message, activityType, undefined, retryState, undefined, error);
}

/** The call was not dispatched in time: the quota went to higher priorities meanwhile (or no worker polled). */
function waitedTooLong(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === 'SCHEDULE_TO_START';
}
