import { z } from 'zod';

const rate = z.number().min(0).max(1);

/** What the sandbox does wrong on purpose. Changeable at run time over `PUT /admin/faults`. */
export const faultsSchema = z.strictObject({
  /** Fraction of calls answered with code 15 and an `isp.*` sub-code (platform trouble: retry). */
  ispErrorRate: rate.default(0),
  /** Fraction of calls answered with HTTP 502 and an HTML page, like a failing load balancer. */
  http502Rate: rate.default(0),
  /** Fraction of calls whose connection is closed with no answer at all. */
  dropRate: rate.default(0),
  /** Added before answering `latencyRate` of the calls (all of them by default). */
  latencyMs: z.int().min(0).max(120_000).default(0),
  latencyRate: rate.default(1),
  /**
   * Calls mentioning one of these ids fail with an `isp.*` error, `flakyRate` of them spread evenly (at 0.3
   * the 4th, 7th, 10th, 14th … call): transient trouble for chosen work orders, the same in every run.
   */
  flakyIds: z.array(z.string().min(1)).max(10_000).default([]),
  flakyRate: rate.default(0.5),
  /**
   * Calls mentioning one of these ids are answered as a broken or hostile gateway might: echoing the app
   * secret and the session key in every field of an error (`echo-secrets`) or of a failed business result
   * (`echo-secrets-in-result`), with a sub_msg of 0.9 MB (under the client's cap on a body) holding lone surrogates (`huge-message`), with a 3 MB
   * body (`oversize-body`), a body fed a byte every 200 ms for a minute (`drip-body`), or a ban of three
   * years (`endless-ban`).
   */
  hostileAnswers: z.record(z.string().min(1), z.enum(['echo-secrets', 'echo-secrets-in-result', 'huge-message', 'oversize-body', 'drip-body', 'endless-ban'])).default({}),
  /** Calls mentioning one of these ids (work order, case, refund, order, async code) fail inside the envelope. */
  businessErrorIds: z.array(z.string().min(1)).max(10_000).default([]),
  /**
   * Per-app frequency limit; exceeding it bans the app for `banSeconds` with code 7. `fixed`: counted in
   * one-second windows, each starting with the first call after the last one ended; `sliding`: counted
   * over the last second at every call.
   */
  rateLimit: z
    .strictObject({ callsPerSecond: z.int().positive(), banSeconds: z.int().positive().max(3600).default(1), window: z.enum(['fixed', 'sliding']).default('fixed') })
    .nullable()
    .default(null),
});

export type Faults = z.output<typeof faultsSchema>;
export type FaultsInput = z.input<typeof faultsSchema>;


/** A one-second window per app, fixed or sliding; over the limit, the app is banned and told for how long. */
export class AppRateLimiter {
  readonly #apps = new Map<string, { windowStart: number; count: number; accepted: number[]; bannedUntil: number }>();

  /** Returns the remaining ban in whole seconds, or 0 when the call may proceed. Refused calls do not count. */
  check(appKey: string, limit: NonNullable<Faults['rateLimit']>, now: number): number {
    const state = this.#apps.get(appKey) ?? { windowStart: now, count: 0, accepted: [], bannedUntil: 0 };
    this.#apps.set(appKey, state);
    if (now < state.bannedUntil) return Math.ceil((state.bannedUntil - now) / 1000);
    let inWindow: number;
    if (limit.window === 'sliding') {
      while (state.accepted.length > 0 && state.accepted[0]! <= now - 1000) state.accepted.shift();
      inWindow = state.accepted.length + 1;
    } else {
      if (now - state.windowStart >= 1000) {
        state.windowStart = now;
        state.count = 0;
      }
      inWindow = state.count + 1;
    }
    if (inWindow <= limit.callsPerSecond) {
      if (limit.window === 'sliding') state.accepted.push(now);
      else state.count += 1;
      return 0;
    }
    state.bannedUntil = now + limit.banSeconds * 1000;
    return limit.banSeconds;
  }

  reset(): void {
    this.#apps.clear();
  }
}
