import { TopError } from './errors';

/**
 * What a code-7 ban covers, from its sub_code: `limited-by-app-access-count` is the app's own quota (every
 * API of the app); `limited-by-api-access-count` and `limited-by-app-api-access-count` limit one API. A ban
 * without a known sub_code is taken as app-wide: holding too much only costs time, sending into a ban costs
 * the app's success rate.
 */
export function banScope(error: TopError): string {
  const subCode = error.subCode ?? '';
  return subCode.endsWith('limited-by-api-access-count') || subCode.endsWith('limited-by-app-api-access-count') ? `api:${error.method}` : 'app';
}

export interface BanGateClock {
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Remembers the bans TOP has stated and holds every call they cover until they end, so that one refusal
 * does not become a hundred: the calls already in flight when the ban came are the only ones refused.
 * One gate per TOP client, i.e. per app key and process.
 */
export class BanGate {
  readonly #bannedUntil = new Map<string, number>();

  constructor(readonly clock: BanGateClock) {}

  /** Records a ban the gateway stated, for the scope it covers. A later end wins over an earlier one. */
  ban(error: TopError): { scope: string; ms: number } {
    const scope = banScope(error);
    const ms = error.retryAfterMs ?? 0;
    const until = this.clock.now() + ms;
    if (until > (this.#bannedUntil.get(scope) ?? 0)) this.#bannedUntil.set(scope, until);
    return { scope, ms };
  }

  /** How long a call of `method` must still wait; 0 when no ban covers it. */
  remainingMs(method: string): number {
    const now = this.clock.now();
    const until = Math.max(this.#bannedUntil.get('app') ?? 0, this.#bannedUntil.get(`api:${method}`) ?? 0);
    return Math.max(0, until - now);
  }

  /**
   * Waits until no ban covers `method`. A ban longer than `maxWaitMs` is not waited out here: the call fails
   * at once with a rate-limited TopError naming the rest of the ban, without reaching the gateway.
   * `tick` is called about once a second while waiting (an activity heartbeats there). Returns the time held.
   */
  async pass(method: string, { maxWaitMs = Infinity, signal, tick }: { maxWaitMs?: number; signal?: AbortSignal; tick?: () => void } = {}): Promise<number> {
    let held = 0;
    for (let remaining = this.remainingMs(method); remaining > 0; remaining = this.remainingMs(method)) {
      if (held + remaining > maxWaitMs) throw heldBack(method, remaining, 'TOP has banned these calls');
      const step = Math.min(remaining, 1_000);
      await this.clock.sleep(step, signal);
      held += step;
      tick?.();
    }
    return held;
  }
}

/** The call was not sent: it would have had to wait `remainingMs`, longer than its caller may. */
export function heldBack(method: string, remainingMs: number, why: string): TopError {
  return new TopError({
    method,
    source: 'gate',
    classification: 'rate-limited',
    msg: `held back, not sent: ${why}`,
    subMsg: `free again in ${Math.ceil(remainingMs / 1000)} s`,
    retryAfterMs: Math.ceil(remainingMs),
  });
}
