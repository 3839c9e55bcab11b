import { z } from 'zod';
import { defineTopApi } from './define';
import { jsonText, optionalText, topId } from './fields';

/** `taobao.bcpush.isv.event.emit`: a standard work-order event for the Qianniu work-order task system. */
export const BCPUSH_EVENT_EMIT = 'taobao.bcpush.isv.event.emit';

/** The longest `text` and `result_msg` we send. */
export const EMIT_TEXT_MAX = 2000;

/** Every parameter is optional on the API page; lengths are our own sanity bounds. */
export const emitEventRequest = z.strictObject({
  source_name: optionalText(128),
  /** Lets the receiver recognise a retried emit: keep it deterministic per work order and step. */
  event_id: optionalText(128),
  ctx_data: jsonText.optional(),
  plan_id: optionalText(64),
  biz_order_id: topId.optional(),
  work_order_type: optionalText(64),
  work_order_status: optionalText(64),
  work_order_id: optionalText(64),
  /** Epoch milliseconds of the event. */
  ts: z.int().nonnegative().optional(),
  text: optionalText(EMIT_TEXT_MAX),
  result_msg: optionalText(EMIT_TEXT_MAX),
  buyer_id: optionalText(64),
  miniapp_scene_code: optionalText(64),
  buyer_nick: optionalText(128),
  biz_scene_code: optionalText(64),
  tenant_code: optionalText(128),
  buyer_open_id: optionalText(128),
});

export const emitEventResponse = z.looseObject({
  result: z.looseObject({
    success: z.boolean(),
    module: z.boolean().optional(),
    error_code: z.union([z.number(), z.string()]).optional(),
    error_message: z.string().optional(),
    origin_error_msg: z.string().optional(),
    cause: z.string().optional(),
    solution: z.string().optional(),
  }),
  request_id: z.string().optional(),
});

export type EmitEventRequest = z.input<typeof emitEventRequest>;
export type EmitEventResponse = z.output<typeof emitEventResponse>;

export const bcpushEventEmit = defineTopApi({
  method: BCPUSH_EVENT_EMIT,
  needsSession: true,
  request: emitEventRequest,
  toParams: (request) => request,
  response: emitEventResponse,
  outcome: ({ result }) => ({
    ok: result.success,
    errorCode: result.error_code,
    errorMessage: result.error_message ?? result.origin_error_msg,
  }),
});
