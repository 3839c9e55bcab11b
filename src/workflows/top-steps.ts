import { ActivityFailure, proxyActivities, TimeoutFailure, type ActivityOptions } from '@temporalio/workflow';
import type { WorkOrderActivities } from '../activities/work-order-activities';
import type { WorkOrderEventKind } from '../work-order/events';
import { CALL_PRIORITY, fairnessKeyOf, PROMOTED_AFTER_MS, type CallPriority } from '../work-order/priorities';
import { runStep } from './run-step';
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
      return runStep(order, step, { node, once: meant !== 'progress' }, () =>
        prioritized(priority, `店小蜜: work order ${id} ${completed ? 'finished at' : 'reached'} node ${node}`, (options) =>
          activities.notifyAliMe.executeWithOptions(options, [{ workOrderId: id, asyncCode, node, data, completed, at: stamped }]),
        ),
      );
    },
  };
}

export type TopSteps = ReturnType<typeof topSteps>;

/** The call was not dispatched in time: the quota went to higher priorities meanwhile (or no worker polled). */
function waitedTooLong(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === 'SCHEDULE_TO_START';
}
