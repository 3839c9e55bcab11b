import { z } from 'zod';
import { defineTopApi } from './define';
import { jsonText, nonEmptyText, optionalText, topTime } from './fields';

/** `taobao.alimi.workorder.progress.notify`: tell 店小蜜 (AliMe) how far a work order has got. */
export const ALIMI_PROGRESS_NOTIFY = 'taobao.alimi.workorder.progress.notify';

/** The `work_order_notify_dxm_command` object (WorkOrderNotifyDxmCommand). */
export const progressCommand = z.strictObject({
  /** Identifies the work order on AliMe's side; it came with the AliMe request that opened it. */
  async_code: nonEmptyText(128),
  /** When this node was handled. */
  gmt_time: topTime,
  /** The node's business data: a String on the page, holding JSON. */
  input_params: jsonText.optional(),
  current_node: optionalText(128),
  completed: z.boolean(),
  work_order_id: nonEmptyText(64),
});

export const progressNotifyRequest = z.strictObject({ work_order_notify_dxm_command: progressCommand });

export const progressNotifyResponse = z.looseObject({
  result_success: z.boolean(),
  result_code: z.string().optional(),
  data: z.boolean().optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});

export type ProgressNotifyRequest = z.input<typeof progressNotifyRequest>;
export type ProgressNotifyResponse = z.output<typeof progressNotifyResponse>;

export const alimiProgressNotify = defineTopApi({
  method: ALIMI_PROGRESS_NOTIFY,
  needsSession: false,
  request: progressNotifyRequest,
  toParams: ({ work_order_notify_dxm_command: command }) => ({
    work_order_notify_dxm_command: {
      ...command,
      input_params: typeof command.input_params === 'object' ? JSON.stringify(command.input_params) : command.input_params,
    },
  }),
  response: progressNotifyResponse,
  outcome: (response) => ({ ok: response.result_success, errorCode: response.result_code, errorMessage: response.message }),
});
