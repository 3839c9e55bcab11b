import { z } from 'zod';
import { ALIMI_PROGRESS_NOTIFY, BCPUSH_EVENT_EMIT, RDC_IDENTIFICATION_CASE_UPDATE } from '../top';
import { parseJsonExact } from '../top/json';
import { parseTopTime } from '../top/timestamp';
import { gatewayErrors, type GatewayError } from './gateway-errors';

/**
 * The sandbox's own reading of the three API pages: which parameters each API takes, with which types,
 * as they arrive on the wire (form fields holding text or JSON text). Deliberately independent of the
 * client's request schemas, so that a client bug is caught here rather than mirrored.
 */
export interface SandboxApi {
  method: string;
  needsSession: boolean;
  /** Parses the business parameters, or names the first one that is wrong with the gateway's code. */
  parse(params: Readonly<Record<string, string>>): { ok: true; business: Record<string, unknown> } | { ok: false; error: GatewayError };
  success(): Record<string, unknown>;
  businessFailure(reason: string): Record<string, unknown>;
}

const isJsonText = (text: string): boolean => {
  try {
    parseJsonExact(text);
    return true;
  } catch {
    return false;
  }
};

/** A 64-bit id: a JSON number (kept exact by the parser, see top/json.ts) or digits in a string. */
const wireId = z.union([z.string().regex(/^\d{1,19}$/), z.int().nonnegative()]).transform(String);
const wireText = z.string().min(1);
const wireJsonText = z.string().refine(isJsonText, 'must be JSON text');

const caseParam = z.looseObject({
  detail_order_id: wireId,
  occur_time: z.int().positive().refine((s) => s < 100_000_000_000, 'occur_time is epoch seconds, this looks like milliseconds'),
  operate_type: z.union([z.literal(1), z.literal(2)]),
  operate_tips: wireText,
  outer_case_id: wireText,
  refund_id: wireId,
  ext_attrs: wireJsonText.optional(),
});

const progressCommand = z.looseObject({
  async_code: wireText,
  gmt_time: z.string().refine((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(t) && parseTopTime(t) !== undefined, 'gmt_time must be yyyy-MM-dd HH:mm:ss'),
  input_params: z.string().optional(),
  current_node: z.string().optional(),
  completed: z.boolean(),
  work_order_id: z.union([wireText, z.int()]).transform(String),
});

/** Top-level parameters of bcpush: all optional; only `ts` (a Number) and `ctx_data` (Json) have a type to check. */
const emitParams = z.looseObject({
  ts: z
    .string()
    .regex(/^\d+$/, 'must be a Number')
    .transform(Number)
    .refine((ms) => ms >= 100_000_000_000, 'ts is epoch milliseconds, this looks like seconds')
    .optional(),
  ctx_data: wireJsonText.transform((text) => parseJsonExact(text)).optional(),
});

/** One required parameter holding a JSON object, checked against `schema`. */
function parseObjectParam(params: Readonly<Record<string, string>>, name: string, schema: z.ZodType) {
  const text = params[name];
  if (text === undefined) return { ok: false as const, error: gatewayErrors.missingArgument(name) };
  let value: unknown;
  try {
    value = parseJsonExact(text);
  } catch {
    return { ok: false as const, error: gatewayErrors.invalidArgument(name, `${name} must be a JSON object`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false as const, error: gatewayErrors.invalidArgument(name, `${name} must be a JSON object`) };
  }
  const result = schema.safeParse(value);
  if (!result.success) return { ok: false as const, error: toGatewayError(result.error, value, name) };
  return { ok: true as const, business: { [name]: result.data } };
}

/** Missing field → 40, wrong type → 41, wrong content → the remote service's isv.invalid-parameter. */
function toGatewayError(error: z.ZodError, input: unknown, prefix?: string): GatewayError {
  const issue = error.issues[0]!;
  const name = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  if (issue.code === 'custom') return gatewayErrors.invalidParameter(issue.message);
  const present = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], input) !== undefined;
  return present ? gatewayErrors.invalidArgument(name, issue.message) : gatewayErrors.missingArgument(name);
}

export const sandboxApis: Record<string, SandboxApi> = {
  [BCPUSH_EVENT_EMIT]: {
    method: BCPUSH_EVENT_EMIT,
    needsSession: true,
    parse(params) {
      const result = emitParams.safeParse(params);
      return result.success ? { ok: true, business: result.data } : { ok: false, error: toGatewayError(result.error, params) };
    },
    success: () => ({ result: { success: true, module: true, error_code: 0 } }),
    businessFailure: (reason) => ({ result: { success: false, module: false, error_code: 1001, error_message: reason } }),
  },
  [RDC_IDENTIFICATION_CASE_UPDATE]: {
    method: RDC_IDENTIFICATION_CASE_UPDATE,
    needsSession: true,
    parse: (params) => parseObjectParam(params, 'param', caseParam),
    success: () => ({
      result: { success: true, result_data: { result_tips: '消息消费成功', result_code: 'CONSUME_FINISH_SUCCESS', consume_status: 'SUCCESS' } },
    }),
    businessFailure: (reason) => ({ result: { success: false, error_code: 'isv.case-rejected', error_info: reason } }),
  },
  [ALIMI_PROGRESS_NOTIFY]: {
    method: ALIMI_PROGRESS_NOTIFY,
    needsSession: false,
    parse: (params) => parseObjectParam(params, 'work_order_notify_dxm_command', progressCommand),
    success: () => ({ result_code: 'SUCCESS', data: true, result_success: true, message: '' }),
    businessFailure: (reason) => ({ result_code: 'FAIL', data: false, result_success: false, message: reason }),
  },
};

/** Every string or number in the business parameters, one level into objects: what a chosen id may match. */
export function idsIn(business: Record<string, unknown>): string[] {
  const ids: string[] = [];
  for (const value of Object.values(business)) {
    if (typeof value === 'string' || typeof value === 'number') ids.push(String(value));
    else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) if (typeof inner === 'string' || typeof inner === 'number') ids.push(String(inner));
    }
  }
  return ids;
}
