import { parseJsonExact } from './json';
import { classifyGatewayError, classifyHttpStatus, TopError } from './errors';

/**
 * Reading the gateway's answer. TOP reports errors inside HTTP 200 bodies, so every layer is checked:
 * the status, the JSON, the `error_response`, and the `<root>_response` wrapper named after the method.
 */

const rootNames = new Map<string, string>();

/** `taobao.alimi.workorder.progress.notify` → `alimi_workorder_progress_notify_response`. Remembered: a few methods, called often. */
export function responseRootName(method: string): string {
  let root = rootNames.get(method);
  if (root === undefined) rootNames.set(method, (root = `${method.replace(/^taobao\./, '').replaceAll('.', '_')}_response`));
  return root;
}

/** Text from a remote party, made safe to put in an error: no secrets, no markup, bounded length. */
export type Redact = (text: string) => string;

export function unwrapTopResponse(method: string, status: number, body: string, redact: Redact): Record<string, unknown> {
  if (status !== 200) {
    throw new TopError({ method, source: 'transport', classification: classifyHttpStatus(status), httpStatus: status, msg: `HTTP ${status}`, subMsg: snippet(body, redact) });
  }
  let parsed: unknown;
  try {
    parsed = parseJsonExact(body);
  } catch {
    // An HTML page from a proxy or a body cut short: the gateway did not really answer.
    throw new TopError({ method, source: 'protocol', classification: 'transient', httpStatus: status, msg: 'response is not JSON', subMsg: snippet(body, redact) });
  }
  if (!isRecord(parsed)) {
    throw new TopError({ method, source: 'protocol', classification: 'transient', httpStatus: status, msg: 'response is not a JSON object', subMsg: snippet(body, redact) });
  }
  const failure = parsed.error_response;
  if (isRecord(failure)) {
    const code = Number(failure.code);
    const subCode = optionalText(failure.sub_code);
    const subMsg = optionalText(failure.sub_msg);
    const classified = Number.isFinite(code) ? classifyGatewayError(code, subCode, subMsg) : { classification: 'transient' as const };
    throw new TopError({
      method,
      source: 'gateway',
      ...classified,
      code: Number.isFinite(code) ? code : String(failure.code),
      subCode,
      msg: redactOptional(failure.msg, redact),
      subMsg: subMsg === undefined ? undefined : redact(subMsg),
      requestId: optionalText(failure.request_id),
    });
  }
  const root = responseRootName(method);
  const result = parsed[root];
  if (!isRecord(result)) {
    // Valid JSON that is no TOP envelope for this method: a wrong URL or method, not a passing fault.
    throw new TopError({ method, source: 'protocol', classification: 'configuration', httpStatus: status, msg: `response has neither ${root} nor error_response`, subMsg: snippet(body, redact) });
  }
  return result;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function redactOptional(value: unknown, redact: Redact): string | undefined {
  const text = optionalText(value);
  return text === undefined ? undefined : redact(text);
}

const SNIPPET_LENGTH = 160;

function snippet(body: string, redact: Redact): string {
  const text = redact(body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
  return text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH)}…` : text;
}
