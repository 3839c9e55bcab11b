/**
 * Every way a TOP call can fail, as one error type whose `classification` is all the rest of the
 * product needs to decide about retries. The table follows the gateway's published error codes.
 */

export type TopErrorClass =
  /** Platform-side or network trouble: retry with backoff. */
  | 'transient'
  /** Code 7, the app or API is banned for a while: retry after `retryAfterMs`. */
  | 'rate-limited'
  /** The request itself is wrong for TOP or the business system: never retry it unchanged. */
  | 'business'
  /** The seller's session is missing, invalid or expired: the seller must re-authorize. */
  | 'authorization'
  /** Our own setup is wrong (app key, secret, signature, clock, gateway URL): fix the configuration. */
  | 'configuration';

/** Where the failure was seen. */
export type TopErrorSource =
  /** `error_response` from the gateway. */
  | 'gateway'
  /** A success envelope whose business result says it failed. */
  | 'business-result'
  /** No usable HTTP answer: connection errors, timeouts, non-200 statuses. */
  | 'transport'
  /** An HTTP 200 whose body is not a TOP envelope: HTML, truncated or unknown JSON. */
  | 'protocol'
  /** Never sent: a ban TOP stated, or the worker's own call budget, held it back longer than it may wait. */
  | 'gate';

export interface TopErrorDetails {
  method: string;
  source: TopErrorSource;
  classification: TopErrorClass;
  code?: number | string;
  subCode?: string;
  msg?: string;
  subMsg?: string;
  requestId?: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

export class TopError extends Error {
  override readonly name = 'TopError';
  readonly method: string;
  readonly source: TopErrorSource;
  readonly classification: TopErrorClass;
  readonly code?: number | string;
  readonly subCode?: string;
  readonly msg?: string;
  readonly subMsg?: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  /** For `rate-limited`: how long the gateway said the ban lasts. */
  readonly retryAfterMs?: number;

  constructor(details: TopErrorDetails, options?: { cause?: unknown }) {
    super(describe(details), options);
    this.method = details.method;
    this.source = details.source;
    this.classification = details.classification;
    if (details.code !== undefined) this.code = details.code;
    if (details.subCode !== undefined) this.subCode = details.subCode;
    if (details.msg !== undefined) this.msg = details.msg;
    if (details.subMsg !== undefined) this.subMsg = details.subMsg;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  get retryable(): boolean {
    return this.classification === 'transient' || this.classification === 'rate-limited';
  }

  /**
   * The same error with every text that came from TOP passed through `clean` (redacted, bounded), the
   * classification and ban kept as TOP's own words decided them.
   */
  withCleanText(clean: (text: string) => string): TopError {
    const text = (value: string | undefined) => (value === undefined ? undefined : clean(value));
    const { method, source, classification, code, subCode, msg, subMsg, requestId, httpStatus, retryAfterMs } = this;
    return new TopError(
      { method, source, classification, code: typeof code === 'string' ? clean(code) : code, subCode: text(subCode), msg: text(msg), subMsg: text(subMsg), requestId: text(requestId), httpStatus, retryAfterMs },
      { cause: this.cause },
    );
  }

  /** Plain data for logs, workflow state and failure details. Never contains request parameters. */
  toJSON(): TopErrorDetails & { message: string } {
    const { method, source, classification, code, subCode, msg, subMsg, requestId, httpStatus, retryAfterMs } = this;
    return { message: this.message, method, source, classification, code, subCode, msg, subMsg, requestId, httpStatus, retryAfterMs };
  }
}

function describe(d: TopErrorDetails): string {
  const code = d.code === undefined ? '' : ` code ${d.code}`;
  const sub = d.subCode ? ` (${d.subCode})` : '';
  const text = [d.msg, d.subMsg].filter(Boolean).join(': ');
  return `${d.method} failed [${d.classification}]${code}${sub}${text ? `: ${text}` : ''}`;
}

/** Input rejected before any HTTP call; the message names the offending field. */
export class TopInputError extends Error {
  override readonly name = 'TopInputError';
  constructor(
    readonly method: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid input for ${method}: ${issues.join('; ')}`);
  }
}

const BAN_SECONDS = /(\d+)\s*more seconds?/i;
/**
 * When the gateway bans without saying for how long (no or unreadable sub_msg), hold calls this long:
 * short, as real bans are mostly seconds, but not so short that the next calls walk into the same ban.
 */
export const DEFAULT_BAN_MS = 2_000;
/**
 * The longest ban taken as stated: past it the gate lets one call through to ask again. A ban of days (a
 * typo, a broken proxy) would otherwise hold every call of the worker until it restarted; asking again costs
 * one refused call per worker and MAX_BAN_MS.
 */
export const MAX_BAN_MS = 10 * 60_000;

/** Classifies a gateway `error_response` by its code and sub_code. */
export function classifyGatewayError(code: number, subCode?: string, subMsg?: string): Pick<TopErrorDetails, 'classification' | 'retryAfterMs'> {
  if (code === 7) {
    const seconds = BAN_SECONDS.exec(subMsg ?? '')?.[1];
    return { classification: 'rate-limited', retryAfterMs: seconds === undefined ? DEFAULT_BAN_MS : Math.min(Number(seconds) * 1000, MAX_BAN_MS) };
  }
  if (code === 10) return { classification: 'transient' };
  if (code === 12 || code === 26 || code === 27) return { classification: 'authorization' };
  if (code === 11 || code === 13 || (code >= 21 && code <= 25) || (code >= 28 && code <= 34) || code === 47) {
    return { classification: 'configuration' };
  }
  if (code === 40 || code === 41) return { classification: 'business' };
  // 15, 50 and anything unlisted: the sub_code tells whose fault it is.
  return { classification: classifySubCode(subCode) };
}

/**
 * `isp.*` is the platform's failure (retry later), `isv.*` the caller's (never retry unchanged).
 * Without a sub_code a remote service error is taken as the platform's.
 */
export function classifySubCode(subCode: string | undefined): TopErrorClass {
  if (subCode === undefined || subCode === '' || subCode.startsWith('isp.')) return 'transient';
  if (subCode === 'invalid-sessionkey' || subCode === 'session-expired' || subCode.startsWith('isv.session')) return 'authorization';
  return 'business';
}

/** Non-200 HTTP answers: the gateway or a proxy in front of it is unwell, or the URL is wrong. */
export function classifyHttpStatus(status: number): TopErrorClass {
  return status >= 500 || status === 408 || status === 429 ? 'transient' : 'configuration';
}

/**
 * A success envelope whose business result failed. Only an explicit `isp.` code marks it as the
 * platform's passing trouble; everything else is a business refusal.
 */
export function classifyBusinessResult(errorCode: string | number | undefined): TopErrorClass {
  return typeof errorCode === 'string' && errorCode.startsWith('isp.') ? 'transient' : 'business';
}
