/**
 * The work order's terms mapped to each TOP API's request: pure functions, one per activity. Idempotency
 * keys are deterministic, so a retried call is recognisable: `event_id` is `<work order>:<event>`, the
 * case is always `outer_case_id`, 店小蜜 knows the work order by its `async_code`.
 */
import { CASE_OPERATION, EMIT_TEXT_MAX, fitText, formatTopTime, OPERATE_TIPS_MAX, type CaseUpdateRequest, type EmitEventRequest, type ProgressNotifyRequest } from '../top';
import type { WorkOrderEventKind, WorkOrderStatusCodes } from '../work-order/events';

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

export interface AliMeNotificationInput {
  workOrderId: string;
  asyncCode: string;
  node: string;
  data?: Record<string, unknown>;
  completed: boolean;
  at: number;
  /** The seller's fairness key (1.1.0): a local call has no priority to carry it, and `GET /quota` counts by it. */
  fairnessKey?: string;
}

export function eventEmitParams(input: EmitEventInput, statusCodes: WorkOrderStatusCodes): EmitEventRequest {
  return {
    event_id: `${input.workOrderId}:${input.kind}`,
    work_order_id: input.workOrderId,
    work_order_status: statusCodes[input.kind],
    work_order_type: input.workOrderType,
    biz_order_id: input.bizOrderId,
    ts: input.at,
    text: input.text,
    // A closing note composed from what users wrote: shortened to fit rather than refused.
    result_msg: input.resultMessage === undefined ? undefined : fitText(input.resultMessage, EMIT_TEXT_MAX),
    ctx_data: { node: input.node, event: input.kind },
    buyer_nick: input.buyer?.nick,
    buyer_id: input.buyer?.id,
    buyer_open_id: input.buyer?.openId,
    source_name: input.qianniu?.sourceName,
    tenant_code: input.qianniu?.tenantCode,
    biz_scene_code: input.qianniu?.bizSceneCode,
    miniapp_scene_code: input.qianniu?.miniappSceneCode,
    plan_id: input.qianniu?.planId,
  };
}

export function caseUpdateParams(input: CaseUpdateInput): CaseUpdateRequest {
  return {
    param: {
      detail_order_id: input.detailOrderId,
      refund_id: input.refundId,
      outer_case_id: input.caseId,
      operate_type: CASE_OPERATION[input.operation],
      // Composed from what users wrote (a cancellation reason behind a prefix, a result message of up to
      // 2,000 characters): shortened to fit, so that the case still closes on TOP.
      operate_tips: fitText(input.tips, OPERATE_TIPS_MAX),
      // TOP takes the case's time in whole seconds.
      occur_time: Math.floor(input.at / 1000),
    },
  };
}

export function aliMeNotifyParams(input: AliMeNotificationInput): ProgressNotifyRequest {
  return {
    work_order_notify_dxm_command: {
      async_code: input.asyncCode,
      work_order_id: input.workOrderId,
      current_node: input.node,
      input_params: input.data,
      completed: input.completed,
      gmt_time: formatTopTime(input.at),
    },
  };
}
