import { Context } from '@temporalio/activity';
import { CASE_OPERATION, emitEvent, formatTopTime, notifyProgress, updateIdentificationCase, type TopCallOptions, type TopClient } from '../top';
import { SessionNotFoundError, type SessionStore } from './sessions';

/** Left of an attempt after the longest call, for the activity's own work. */
const HOLD_MARGIN_MS = 1_000;

/** The work order's events on the Qianniu work-order task system. */
export type WorkOrderEventKind = 'created' | 'completed' | 'cancelled' | 'timed-out';

/** `work_order_status` per event. The value set is not public: it is configuration (TOP_WORK_ORDER_STATUS_CODES). */
export type WorkOrderStatusCodes = Record<WorkOrderEventKind, string>;

export const DEFAULT_STATUS_CODES: WorkOrderStatusCodes = { created: 'CREATED', completed: 'COMPLETED', cancelled: 'CANCELLED', 'timed-out': 'TIMED_OUT' };

export interface ActivityDependencies {
  top: TopClient;
  sessions: SessionStore;
  statusCodes?: WorkOrderStatusCodes;
}

export interface EmitEventInput {
  workOrderId: string;
  seller: string;
  kind: WorkOrderEventKind;
  /** Epoch ms when it happened in the workflow; not when this attempt runs. */
  at: number;
  node: string;
  bizOrderId?: string;
  workOrderType?: string;
  text?: string;
  resultMessage?: string;
  buyer?: { nick?: string; id?: string; openId?: string };
  qianniu?: { sourceName?: string; tenantCode?: string; bizSceneCode?: string; miniappSceneCode?: string; planId?: string };
}

export interface CaseUpdateInput {
  seller: string;
  operation: keyof typeof CASE_OPERATION;
  caseId: string;
  detailOrderId: string;
  refundId: string;
  at: number;
  tips: string;
}

export interface NodeNotificationInput {
  workOrderId: string;
  asyncCode: string;
  node: string;
  data?: Record<string, unknown>;
  completed: boolean;
  at: number;
}

/**
 * One activity per TOP call, each a thin adapter from the work order's terms to the API's. Idempotency
 * keys are deterministic, so a retried call is recognisable: `event_id` is `<work order>:<event>`, the
 * case is always `outer_case_id`, 店小蜜 knows the work order by its `async_code`.
 */
export function createActivities({ top, sessions, statusCodes = DEFAULT_STATUS_CODES }: ActivityDependencies) {
  const sessionOf = async (seller: string): Promise<string> => {
    const session = await sessions.sessionFor(seller);
    if (!session) throw new SessionNotFoundError(seller);
    return session;
  };
  /**
   * Per call: cancellation aborts the HTTP call (worker shutdown, timeout, cancellation); a call held by a
   * ban or the budget waits inside the attempt, heartbeating, for as long as the attempt leaves room for the
   * call itself; a longer wait fails the attempt unsent, and Temporal retries it when the wait is over.
   */
  const callOptions = (session?: string): TopCallOptions => {
    const context = Context.current();
    return {
      session,
      signal: context.cancellationSignal,
      maxWaitMs: Math.max(0, context.info.startToCloseTimeoutMs - top.requestTimeoutMs - HOLD_MARGIN_MS),
      whileHeld: () => context.heartbeat(),
    };
  };

  return {
    async emitWorkOrderEvent(input: EmitEventInput): Promise<void> {
      await emitEvent(
        top,
        {
          event_id: `${input.workOrderId}:${input.kind}`,
          work_order_id: input.workOrderId,
          work_order_status: statusCodes[input.kind],
          work_order_type: input.workOrderType,
          biz_order_id: input.bizOrderId,
          ts: input.at,
          text: input.text,
          result_msg: input.resultMessage,
          ctx_data: { node: input.node, event: input.kind },
          buyer_nick: input.buyer?.nick,
          buyer_id: input.buyer?.id,
          buyer_open_id: input.buyer?.openId,
          source_name: input.qianniu?.sourceName,
          tenant_code: input.qianniu?.tenantCode,
          biz_scene_code: input.qianniu?.bizSceneCode,
          miniapp_scene_code: input.qianniu?.miniappSceneCode,
          plan_id: input.qianniu?.planId,
        },
        callOptions(await sessionOf(input.seller)),
      );
    },

    async updateIdentificationCase(input: CaseUpdateInput): Promise<void> {
      await updateIdentificationCase(
        top,
        {
          param: {
            detail_order_id: input.detailOrderId,
            refund_id: input.refundId,
            outer_case_id: input.caseId,
            operate_type: CASE_OPERATION[input.operation],
            operate_tips: input.tips,
            occur_time: Math.floor(input.at / 1000),
          },
        },
        callOptions(await sessionOf(input.seller)),
      );
    },

    async notifyAliMe(input: NodeNotificationInput): Promise<void> {
      await notifyProgress(
        top,
        {
          work_order_notify_dxm_command: {
            async_code: input.asyncCode,
            work_order_id: input.workOrderId,
            current_node: input.node,
            input_params: input.data,
            completed: input.completed,
            gmt_time: formatTopTime(input.at),
          },
        },
        callOptions(),
      );
    },
  };
}

export type WorkOrderActivities = ReturnType<typeof createActivities>;
