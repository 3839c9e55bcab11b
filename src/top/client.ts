import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { stringify as formEncode } from 'node:querystring';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { BanGate, heldBack } from './ban-gate';
import { TopError } from './errors';
import { Pacer, type BudgetShare } from './pacer';
import { unwrapTopResponse } from './envelope';
import { clean, redactSecrets } from './text';
import { toWireParams, type TopParamValue } from './params';
import { signTopRequest, type SignMethod } from './sign';
import { formatTopTime } from './timestamp';

export interface TopClientOptions {
  /** e.g. `https://gw.api.taobao.com/router/rest`. */
  gatewayUrl: string;
  appKey: string;
  appSecret: string;
  signMethod: SignMethod;
  /** TCP + TLS connect limit. */
  connectTimeoutMs?: number;
  /** Limit for the response headers, and separately for the body, of one call. */
  requestTimeoutMs?: number;
  /** Keep-alive connections to the gateway. */
  connections?: number;
  /** Sent as `partner_id`, so TOP can tell which integration made the call. */
  partnerId?: string;
  /** Milliseconds since the epoch; replaceable for tests of clock skew. */
  now?: () => number;
  /** The app's call budget, shared by every client in `share`; calls leave evenly spaced (see Pacer). Unset: no pacing. */
  callsPerSecond?: number;
  /** How many clients share the budget and, if they take turns on one schedule, this one's place. Default: alone. */
  share?: BudgetShare;
  /** Told about bans and held calls, e.g. to count them in metrics. */
  flowObserver?: FlowObserver;
  /**
   * Secrets besides the app secret and the call's own session key that no error may carry, should TOP's
   * answer echo them: every seller's session key. Read only when a call fails.
   */
  otherSecrets?: () => Iterable<string>;
}

export interface FlowObserver {
  /** TOP stated a ban covering `scope` (`app` or `api:<method>`) for `ms`. */
  banned(scope: string, ms: number): void;
  /** A call waited `ms` for a ban to end or for its turn in the budget before it was sent. */
  held(ms: number): void;
}

export interface TopCallOptions {
  /** The seller's session key, for APIs that need seller authorization. */
  session?: string;
  /** Aborts the HTTP call, e.g. when the activity that made it is cancelled. */
  signal?: AbortSignal;
  /**
   * How long the call may wait, before it is sent, for a ban to end or for its turn in the budget; past it
   * the call fails with a rate-limited TopError carrying the rest of the wait, unsent. Unbounded by default.
   */
  maxWaitMs?: number;
  /** Called about once a second while the call is held (an activity heartbeats here). */
  whileHeld?: () => void;
}

export const PARTNER_ID = 'taobao-work-orders-0.1';

/** The longest answer read from the gateway: the three APIs answer a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
/** What a TOP request id looks like (e.g. `16b5yc1y9nilr`). */
const REQUEST_ID = /^[0-9A-Za-z]{1,64}$/;

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' } as const;

// The OpenTelemetry API alone: spans are no-ops unless the process has set up a tracer provider.
const tracer = trace.getTracer('taobao-top-client');

/**
 * A TOP gateway client: signs, sends and unwraps one API call. One instance per process: it owns a
 * keep-alive connection pool. It knows nothing of work orders or Temporal.
 */
export class TopClient {
  readonly appKey: string;
  readonly signMethod: SignMethod;
  /** The limit for one call's whole answer, headers and body. */
  readonly requestTimeoutMs: number;
  // Private fields are invisible to util.inspect, JSON.stringify and Object.keys: the secret cannot
  // leak through a logged client.
  readonly #secret: string;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #partnerId: string;
  readonly #now: () => number;
  readonly #spanAttributes: Attributes;
  /** The span attributes of each method called, built once: a client calls a handful of methods many times. */
  readonly #methodSpanAttributes = new Map<string, Attributes>();
  readonly #gate = new BanGate({ now: () => performance.now(), sleep: (ms, signal) => sleep(ms, undefined, { signal }) });
  readonly #pacer: Pacer | undefined;
  readonly #observer: FlowObserver | undefined;
  readonly #otherSecrets: () => Iterable<string>;

  constructor(options: TopClientOptions) {
    const url = new URL(options.gatewayUrl);
    this.#spanAttributes = {
      'rpc.system': 'taobao-top',
      'http.request.method': 'POST',
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    };
    this.appKey = options.appKey;
    this.signMethod = options.signMethod;
    this.#secret = options.appSecret;
    this.#path = `${url.pathname}${url.search}`;
    this.#partnerId = options.partnerId ?? PARTNER_ID;
    this.#now = options.now ?? Date.now;
    this.#pacer = options.callsPerSecond === undefined ? undefined : new Pacer(options.callsPerSecond, options.share);
    this.#observer = options.flowObserver;
    this.#otherSecrets = options.otherSecrets ?? (() => []);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 64,
      connect: { timeout: options.connectTimeoutMs ?? 5_000 },
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs,
      keepAliveTimeout: 30_000,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
  }

  /**
   * Calls `method` and returns the body inside its `<root>_response` wrapper, or throws a {@link TopError}.
   * `readResult` (the typed APIs' response check) runs inside the call's span, so a business failure in a
   * success envelope marks the span as failed too.
   */
  async call<T = Record<string, unknown>>(
    method: string,
    businessParams: Readonly<Record<string, TopParamValue>>,
    options: TopCallOptions = {},
    readResult: (body: Record<string, unknown>) => T = (body) => body as T,
  ): Promise<T> {
    const held = this.#admit(method, options);
    if (held) await held;
    // Stamped and signed only now: a held call must not leave with a stale timestamp. The system
    // parameters are written last, so no business parameter of the same name can replace one.
    const params = toWireParams(method, { ...businessParams, session: options.session });
    Object.assign(params, {
      method,
      app_key: this.appKey,
      timestamp: formatTopTime(this.#now()),
      format: 'json',
      v: '2.0',
      sign_method: this.signMethod,
      partner_id: this.#partnerId,
    });
    params.sign = signTopRequest(params, this.#secret, this.signMethod);
    // Only a failure reads it: every secret this client knows, wherever it stands in TOP's text.
    const redact = (text: string): string => redactSecrets(text, [this.#secret, options.session, ...this.#otherSecrets()]);

    // One client span per HTTP call. Its attributes name the API and the outcome, never a parameter.
    const span = tracer.startSpan(`TOP ${method}`, { kind: SpanKind.CLIENT, attributes: this.#spanAttributesFor(method) });
    try {
      const { status, body } = await this.#post(method, params, options.signal, redact);
      span.setAttribute('http.response.status_code', status);
      const result = unwrapTopResponse(method, status, body, redact);
      // On the hot path: an id-shaped request id as it is, anything else not at all (no redaction per call).
      if (typeof result.request_id === 'string' && REQUEST_ID.test(result.request_id)) span.setAttribute('top.request_id', result.request_id);
      return readResult(result);
    } catch (error) {
      // From here on the error reaches failures, logs, the work order's state and spans: only clean text.
      const failure = error instanceof TopError ? error.withCleanText((text) => clean(text, redact)) : error;
      recordFailure(span, failure);
      if (failure instanceof TopError && failure.classification === 'rate-limited' && failure.source === 'gateway') {
        const { scope, ms } = this.#gate.ban(failure);
        this.#observer?.banned(scope, ms);
      }
      throw failure;
    } finally {
      span.end();
    }
  }

  #spanAttributesFor(method: string): Attributes {
    let attributes = this.#methodSpanAttributes.get(method);
    if (attributes === undefined) this.#methodSpanAttributes.set(method, (attributes = Object.freeze({ ...this.#spanAttributes, 'rpc.method': method })));
    return attributes;
  }

  /**
   * Lets the call leave now, with no promise made (the common case: no ban covers it and its turn in the
   * budget is now), or returns the wait that holds it.
   */
  #admit(method: string, options: TopCallOptions): Promise<void> | undefined {
    if (this.#gate.remainingMs(method) > 0) return this.#hold(method, options, 0);
    const wait = this.#reserveTurn(method, options.maxWaitMs ?? Infinity);
    return wait > 0 ? this.#hold(method, options, wait) : undefined;
  }

  /**
   * Holds the call for its turn already taken (`turnInMs`), then while a stated ban covers it, taking a new
   * turn after each ban, as a ban may have arrived while it waited.
   */
  async #hold(method: string, { signal, maxWaitMs = Infinity, whileHeld }: TopCallOptions, turnInMs: number): Promise<void> {
    let held = 0;
    for (let wait = turnInMs; ; wait = this.#reserveTurn(method, maxWaitMs - held)) {
      if (wait > 0) {
        await sleep(wait, undefined, { signal });
        held += wait;
      }
      if (this.#gate.remainingMs(method) === 0) break;
      held += await this.#gate.pass(method, { maxWaitMs: maxWaitMs - held, signal, tick: whileHeld });
    }
    if (held > 0) this.#observer?.held(held);
  }

  /** Takes the call's turn in the budget: how long until it comes (0 without a budget). */
  #reserveTurn(method: string, maxWaitMs: number): number {
    if (!this.#pacer) return 0;
    const wait = this.#pacer.reserve(maxWaitMs);
    if (wait === undefined) throw heldBack(method, this.#pacer.waitMs(), "the worker's TOP call budget (TOP_CALLS_PER_SECOND) is used up");
    return wait;
  }

  async #post(method: string, params: Record<string, string>, signal: AbortSignal | undefined, redact: (text: string) => string): Promise<{ status: number; body: string }> {
    // One deadline for the whole answer: undici's timeouts bound each wait, so a body fed a byte at a time
    // would otherwise hold the call (and its activity slot) for as long as the gateway likes. A timer of our
    // own, cleared with the call: AbortSignal.timeout's would outlive every call by the whole timeout.
    const call = new AbortController();
    const deadline = setTimeout(() => call.abort(), this.requestTimeoutMs);
    const cancel = () => call.abort(signal?.reason);
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      // Everything travels in the body, none in the URL, so no proxy or access log sees the session key.
      const response = await this.#pool.request({
        path: this.#path,
        method: 'POST',
        headers: FORM_HEADERS,
        // node:querystring rather than URLSearchParams: the same values after decoding (spaces go as %20,
        // not +) at well under half the CPU, the trade-off Node's documentation names. It throws on a lone
        // surrogate, which toWireParams has already refused with a TopInputError.
        body: formEncode(params),
        signal: call.signal,
      });
      return { status: response.statusCode, body: await response.body.text() };
    } catch (error) {
      if (signal?.aborted) throw error;
      const why = call.signal.aborted ? `no complete answer within ${this.requestTimeoutMs} ms` : describeTransportError(error);
      throw new TopError({ method, source: 'transport', classification: 'transient', msg: redact(why) }, { cause: error });
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', cancel);
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

function recordFailure(span: Span, error: unknown): void {
  if (error instanceof TopError) {
    span.setAttributes({
      'error.type': error.classification,
      ...(error.code !== undefined ? { 'top.error.code': String(error.code) } : {}),
      ...(error.subCode !== undefined ? { 'top.error.sub_code': error.subCode } : {}),
      ...(error.requestId !== undefined ? { 'top.request_id': error.requestId } : {}),
      ...(error.httpStatus !== undefined ? { 'http.response.status_code': error.httpStatus } : {}),
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message }); // already redacted
  } else {
    // Cancellation (AbortError) or a bug; only the error's name, as its message is not ours to vouch for.
    const name = error instanceof Error ? error.name : 'unknown';
    span.setAttribute('error.type', name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: name });
  }
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
