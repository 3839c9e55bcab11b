import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { responseRootName, SIGN_METHODS, signTopRequest, type SignMethod } from '../top';
import { parseTopTime } from '../top/timestamp';
import { idsIn, sandboxApis } from './apis';
import { AppRateLimiter, faultsSchema, type Faults, type FaultsInput } from './faults';
import { BodyTooLargeError } from '../http/read-body';
import { describeIssues } from '../common/zod-issues';
import { readParams } from './form';
import { gatewayErrors, type GatewayError } from './gateway-errors';
import { CallRecorder, type CallFilter, type RecordedCall } from './recorder';
import { answerHostile } from './hostile-answers';
import { readJson, sendJson, sendText } from './http';
import { toXml } from './xml';

export interface SessionGrant {
  /** The seller (shop) that authorised the app; recorded with each call made with the session. */
  seller: string;
  /** An expired session is answered with code 27 / `session-expired`. */
  expired?: boolean;
}

export interface SandboxOptions {
  /** Defaults to 127.0.0.1: the sandbox and its admin endpoint are for this machine only. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** app key → app secret. */
  apps?: Record<string, string>;
  /** session key → seller. */
  sessions?: Record<string, SessionGrant>;
  /** Allowed clock difference for `timestamp`; the gateway allows 10 minutes. */
  maxSkewMs?: number;
  faults?: FaultsInput;
  maxBodyBytes?: number;
  now?: () => number;
  /** When set, `/admin/*` answers only `Authorization: Bearer <adminToken>` (a sandbox reachable beyond loopback). */
  adminToken?: string;
}

/** Credentials the sandbox accepts out of the box; the demo and the tests use them. Not real TOP secrets. */
export const SANDBOX_DEFAULTS = {
  appKey: '12345678',
  appSecret: 'sandbox-secret-0123456789abcdef',
  sessions: {
    'sandbox-session-seller-a-6200a1': { seller: 'seller-a' },
    'sandbox-session-seller-b-6200b2': { seller: 'seller-b' },
  } as Record<string, SessionGrant>,
};

const SYSTEM_PARAMS = new Set(['method', 'app_key', 'session', 'timestamp', 'v', 'sign_method', 'sign', 'format', 'simplify', 'partner_id', 'target_app_key']);

const sessionUpdate = z.strictObject({ session: z.string().min(1), seller: z.string().min(1), expired: z.boolean().default(false) });

/**
 * A local stand-in for the TOP gateway (`/router/rest`) serving the three work-order APIs, with the
 * gateway's checks and error envelopes, a record of every call, and fault injection. Admin endpoints
 * under `/admin/` (calls, faults, sessions) are unauthenticated: keep the sandbox on loopback.
 */
export class TopSandbox {
  readonly recorder = new CallRecorder();
  #faults: Faults;
  /** Per flaky id: the share of a failed call accumulated so far (see #flakyCallFails). */
  readonly #flakyShare = new Map<string, number>();
  readonly #apps: Map<string, string>;
  readonly #sessions: Map<string, SessionGrant>;
  readonly #limiter = new AppRateLimiter();
  readonly #server: Server;
  readonly #options: Required<Pick<SandboxOptions, 'host' | 'port' | 'maxSkewMs' | 'maxBodyBytes' | 'now'>>;
  readonly #adminToken: string | undefined;

  constructor(options: SandboxOptions = {}) {
    this.#options = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      maxSkewMs: options.maxSkewMs ?? 10 * 60 * 1000,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      now: options.now ?? Date.now,
    };
    this.#adminToken = options.adminToken;
    this.#apps = new Map(Object.entries(options.apps ?? { [SANDBOX_DEFAULTS.appKey]: SANDBOX_DEFAULTS.appSecret }));
    this.#sessions = new Map(Object.entries(options.sessions ?? SANDBOX_DEFAULTS.sessions));
    this.#faults = faultsSchema.parse(options.faults ?? {});
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        else res.destroy();
      });
    });
  }

  async start(): Promise<{ url: string; gatewayUrl: string }> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return { url: this.url, gatewayUrl: this.gatewayUrl };
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  get gatewayUrl(): string {
    return `${this.url}/router/rest`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  calls(filter?: CallFilter): RecordedCall[] {
    return this.recorder.list(filter);
  }

  get faults(): Faults {
    return this.#faults;
  }

  setFaults(faults: FaultsInput): Faults {
    this.#faults = faultsSchema.parse(faults);
    this.#flakyShare.clear();
    this.#limiter.reset();
    return this.#faults;
  }

  setSession(session: string, grant: SessionGrant): void {
    this.#sessions.set(session, grant);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (path.startsWith('/admin/')) return this.#handleAdmin(req, res, path);
    if (path !== '/router/rest') return sendText(res, 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>');
    if (req.method !== 'POST' && req.method !== 'GET') return sendText(res, 405, 'text/plain', 'Method Not Allowed');

    let received;
    try {
      received = await readParams(req, this.#options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendText(res, 413, 'text/plain', error.message);
      throw error;
    }
    const { params, layouts } = received;
    const format = params.format ?? 'xml';
    const business = Object.fromEntries(Object.entries(params).filter(([name]) => !SYSTEM_PARAMS.has(name)));
    const base = {
      receivedAt: this.#options.now(),
      method: params.method,
      appKey: params.app_key,
      signMethod: params.sign_method,
      layouts,
      params: business as Record<string, unknown>,
    };
    const reject = (error: GatewayError, outcome: RecordedCall['outcome'] = 'rejected', seller?: string, parsedParams?: Record<string, unknown>): void => {
      this.recorder.add({ ...base, ...(parsedParams ? { params: parsedParams } : {}), seller, outcome, code: error.code, subCode: error.sub_code });
      this.#send(res, format, 'error_response', error);
    };

    const verified = this.#verify(params);
    if ('error' in verified) return reject(verified.error);
    const { api, seller } = verified;

    if (this.#faults.rateLimit) {
      const banSeconds = this.#limiter.check(params.app_key!, this.#faults.rateLimit, this.#options.now());
      if (banSeconds > 0) return reject(gatewayErrors.appCallLimited(banSeconds), 'rate-limited', seller);
    }
    if (this.#faults.latencyMs > 0 && chance(this.#faults.latencyRate)) await delay(this.#faults.latencyMs);
    if (chance(this.#faults.dropRate)) {
      this.recorder.add({ ...base, seller, outcome: 'dropped' });
      req.socket.destroy();
      return;
    }
    if (chance(this.#faults.http502Rate)) {
      this.recorder.add({ ...base, seller, outcome: 'http-502' });
      return sendText(res, 502, 'text/html', '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>Tengine</center></body></html>');
    }
    if (chance(this.#faults.ispErrorRate)) return reject(gatewayErrors.remoteServiceError(), 'isp-error', seller);

    const parsed = api.parse(business);
    if (!parsed.ok) return reject(parsed.error, 'rejected', seller);
    const ids = idsIn(parsed.business);
    const flakyId = ids.find((id) => this.#faults.flakyIds.includes(id));
    if (flakyId !== undefined && this.#flakyCallFails(flakyId)) {
      return reject(gatewayErrors.remoteServiceError(), 'isp-error', seller, parsed.business);
    }
    const hostileId = ids.find((id) => Object.hasOwn(this.#faults.hostileAnswers, id));
    if (hostileId !== undefined) {
      this.recorder.add({ ...base, params: parsed.business, seller, outcome: 'hostile' });
      return await answerHostile(res, api, this.#faults.hostileAnswers[hostileId]!, { secret: this.#apps.get(params.app_key!)!, session: params.session ?? '' });
    }
    const failingId = ids.find((id) => this.#faults.businessErrorIds.includes(id));
    const outcome = failingId === undefined ? 'ok' : 'business-error';
    this.recorder.add({ ...base, params: parsed.business, seller, outcome });
    const body = failingId === undefined ? api.success() : api.businessFailure(`injected business failure for ${failingId}`);
    this.#send(res, format, responseRootName(api.method), body);
  }

  /**
   * Whether this call of a flaky work order fails: exactly `flakyRate` of its calls, spread evenly (each
   * call adds the rate to the work order's share and fails when the share reaches a whole call), so a
   * chosen work order meets its faults every run rather than by luck.
   */
  #flakyCallFails(id: string): boolean {
    const share = (this.#flakyShare.get(id) ?? 0) + this.#faults.flakyRate;
    const fails = share >= 1 - 1e-9;
    this.#flakyShare.set(id, fails ? share - 1 : share);
    return fails;
  }

  /** The gateway's checks, in its order: method, app key, timestamp, version, signature, session. */
  #verify(params: Record<string, string>): { api: (typeof sandboxApis)[string]; seller?: string } | { error: GatewayError } {
    if (!params.method) return { error: gatewayErrors.missingMethod() };
    const api = sandboxApis[params.method];
    if (!api) return { error: gatewayErrors.invalidMethod() };
    if (params.format !== undefined && params.format !== 'json' && params.format !== 'xml') return { error: gatewayErrors.invalidFormat() };
    if (!params.app_key) return { error: gatewayErrors.missingAppKey() };
    const secret = this.#apps.get(params.app_key);
    if (secret === undefined) return { error: gatewayErrors.invalidAppKey() };
    if (!params.timestamp) return { error: gatewayErrors.missingTimestamp() };
    const sentAt = parseTopTime(params.timestamp);
    if (sentAt === undefined || Math.abs(this.#options.now() - sentAt) > this.#options.maxSkewMs) return { error: gatewayErrors.invalidTimestamp() };
    if (!params.v) return { error: gatewayErrors.missingVersion() };
    if (params.v !== '2.0') return { error: gatewayErrors.invalidVersion() };
    const signMethod = params.sign_method ?? 'md5';
    if (!(SIGN_METHODS as readonly string[]).includes(signMethod)) return { error: gatewayErrors.invalidSignMethod() };
    if (!params.sign) return { error: gatewayErrors.missingSignature() };
    if (signTopRequest(params, secret, signMethod as SignMethod) !== params.sign.toUpperCase()) return { error: gatewayErrors.invalidSignature() };

    if (params.session === undefined) return api.needsSession ? { error: gatewayErrors.missingSession() } : { api };
    const grant = this.#sessions.get(params.session);
    if (!grant) return { error: gatewayErrors.invalidSession() };
    if (grant.expired) return { error: gatewayErrors.expiredSession() };
    return { api, seller: grant.seller };
  }

  #send(res: ServerResponse, format: string, root: string, body: object): void {
    const payload = { ...body, request_id: randomBytes(6).toString('hex') };
    if (format === 'xml') return sendText(res, 200, 'text/xml;charset=UTF-8', toXml(root, payload));
    sendJson(res, 200, { [root]: payload });
  }

  async #handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (this.#adminToken !== undefined && !sameText(req.headers.authorization ?? '', `Bearer ${this.#adminToken}`)) return sendJson(res, 401, { error: 'the admin endpoint needs Authorization: Bearer <TOP_SANDBOX_ADMIN_TOKEN>' });
    const query = new URL(req.url ?? '/', 'http://sandbox').searchParams;
    const route = `${req.method} ${path}`;
    if (route === 'GET /admin/health') return sendJson(res, 200, { ok: true });
    if (route === 'GET /admin/calls') {
      const filter: CallFilter = {};
      const method = query.get('method');
      const outcome = query.get('outcome');
      const after = query.get('afterSeq');
      if (method) filter.method = method;
      if (outcome) filter.outcome = outcome as RecordedCall['outcome'];
      if (after) filter.afterSeq = Number(after);
      return sendJson(res, 200, { calls: this.calls(filter) });
    }
    if (route === 'DELETE /admin/calls') {
      this.recorder.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'GET /admin/faults') return sendJson(res, 200, this.#faults);
    if (route === 'PUT /admin/faults' || route === 'POST /admin/sessions') {
      const body = await readJson(req);
      const schema = route === 'PUT /admin/faults' ? faultsSchema : sessionUpdate;
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        return sendJson(res, 400, { error: describeIssues(parsed.error, { root: '(body)' }).join('; ') });
      }
      if (route === 'PUT /admin/faults') return sendJson(res, 200, this.setFaults(parsed.data as Faults));
      const { session, seller, expired } = parsed.data as z.output<typeof sessionUpdate>;
      this.setSession(session, { seller, expired });
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { error: `no admin route ${route}` });
  }
}

function chance(rate: number): boolean {
  return rate > 0 && Math.random() < rate;
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
