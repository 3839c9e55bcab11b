import { z } from 'zod';
import { defineTopApi } from './define';
import { jsonText, nonEmptyText, topIdAsJsonNumber } from './fields';

/** `taobao.rdc.aligenius.identification.case.update`: open or complete an AliGenius identification case. */
export const RDC_IDENTIFICATION_CASE_UPDATE = 'taobao.rdc.aligenius.identification.case.update';

export const CASE_OPERATION = { open: 1, complete: 2 } as const;

/** The longest `operate_tips` the case takes. */
export const OPERATE_TIPS_MAX = 500;

/** The `param` object (SyncIdentifyRefundCaseDto); ids are Number on the page, so JSON numbers on the wire. */
export const caseUpdateParam = z.strictObject({
  detail_order_id: topIdAsJsonNumber,
  /** Epoch seconds at which the case was opened or completed. */
  occur_time: z.int().positive(),
  operate_type: z.union([z.literal(CASE_OPERATION.open), z.literal(CASE_OPERATION.complete)], { error: 'must be 1 (open) or 2 (complete)' }),
  operate_tips: nonEmptyText(OPERATE_TIPS_MAX),
  outer_case_id: nonEmptyText(64),
  refund_id: topIdAsJsonNumber,
  ext_attrs: jsonText.optional(),
});

export const caseUpdateRequest = z.strictObject({ param: caseUpdateParam });

export const caseUpdateResponse = z.looseObject({
  result: z.looseObject({
    success: z.boolean(),
    error_code: z.string().optional(),
    error_info: z.string().optional(),
    result_data: z
      .looseObject({ result_tips: z.string().optional(), result_code: z.string().optional(), consume_status: z.string().optional() })
      .optional(),
  }),
  request_id: z.string().optional(),
});

export type CaseUpdateRequest = z.input<typeof caseUpdateRequest>;
export type CaseUpdateResponse = z.output<typeof caseUpdateResponse>;

export const rdcIdentificationCaseUpdate = defineTopApi({
  method: RDC_IDENTIFICATION_CASE_UPDATE,
  needsSession: true,
  request: caseUpdateRequest,
  toParams: ({ param }) => ({
    // ext_attrs is a String holding JSON inside the object: serialise it on its own first.
    param: { ...param, ext_attrs: typeof param.ext_attrs === 'object' ? JSON.stringify(param.ext_attrs) : param.ext_attrs },
  }),
  response: caseUpdateResponse,
  outcome: ({ result }) => ({ ok: result.success, errorCode: result.error_code, errorMessage: result.error_info }),
});
