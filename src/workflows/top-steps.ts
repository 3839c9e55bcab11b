import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { WorkOrderActivities } from '../activities/work-order-activities';
import type { WorkOrderEventKind } from '../work-order/events';
import { runStep } from './operator-retry';
import type { WorkOrder } from './work-order-state';

/**
 * Transient TOP trouble (isp errors, 5xx, timeouts, rate-limit bans) is retried by Temporal with
 * backoff for up to an hour; after that, or at once for a permanent error, the step waits for an
 * operator (see operator-retry.ts). Which errors are permanent is decided in activities/top-failures.
 */
const TOP_CALL: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

const activities = proxyActivities<WorkOrderActivities>(TOP_CALL);

/**
 * The work order's TOP calls, in business terms, each with a summary for the UI's timeline. `at` is when
 * the step's cause happened (creation, a report received, completion), never when an attempt runs; it is
 * stamped once per step through the work order's TOP clock, so retries resend the same time.
 */
export function topSteps(order: WorkOrder) {
  const { input } = order;
  const id = input.workOrderId;

  return {
    emitWorkOrderEvent(kind: WorkOrderEventKind, at: number, resultMessage?: string): Promise<void> {
      const node = order.view.currentNode;
      const stamped = order.topTime(at);
      return runStep(order, kind === 'created' ? 'emit-created-event' : 'emit-closing-event', node, () =>
        activities.emitWorkOrderEvent.executeWithOptions({ ...TOP_CALL, summary: `Qianniu: work order ${id} ${kind}` }, [
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
      );
    },

    updateIdentificationCase(operation: 'open' | 'complete', at: number, tips: string): Promise<void> {
      const identification = input.identification!;
      const stamped = order.topTime(at);
      const caseId = identification.caseId ?? id;
      return runStep(order, operation === 'open' ? 'open-case' : 'close-case', undefined, () =>
        activities.updateIdentificationCase.executeWithOptions({ ...TOP_CALL, summary: `AliGenius: ${operation} identification case ${caseId}` }, [
          { seller: input.seller, operation, caseId, detailOrderId: identification.detailOrderId, refundId: identification.refundId, at: stamped, tips },
        ]),
      );
    },

    notifyAliMe(node: string, data: Record<string, unknown> | undefined, completed: boolean, at: number): Promise<void> {
      const asyncCode = input.alime!.asyncCode;
      const stamped = order.topTime(at);
      return runStep(order, completed ? 'notify-final-node' : 'notify-node', node, () =>
        activities.notifyAliMe.executeWithOptions({ ...TOP_CALL, summary: `店小蜜: work order ${id} ${completed ? 'finished at' : 'reached'} node ${node}` }, [
          { workOrderId: id, asyncCode, node, data, completed, at: stamped },
        ]),
      );
    },
  };
}

export type TopSteps = ReturnType<typeof topSteps>;
