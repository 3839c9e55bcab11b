/**
 * Spreads calls evenly over time (GCRA with no burst): the n-th call leaves no earlier than n emission
 * intervals after the first, so no one-second window, fixed or sliding, ever carries more than the rate.
 * A slot that would be more than `maxWaitMs` away is not taken, so a call never waits past its deadline.
 */
export class Pacer {
  readonly #intervalMs: number;
  /** When the next call may leave (the "theoretical arrival time"). */
  #nextAt = 0;

  constructor(
    callsPerSecond: number,
    readonly now: () => number = () => performance.now(),
  ) {
    if (!(callsPerSecond > 0)) throw new RangeError('callsPerSecond must be positive');
    this.#intervalMs = 1000 / callsPerSecond;
  }

  /** Takes the next slot and returns how long to wait for it, or undefined (no slot taken) when that is beyond `maxWaitMs`. */
  reserve(maxWaitMs = Infinity): number | undefined {
    const now = this.now();
    const at = Math.max(now, this.#nextAt);
    if (at - now > maxWaitMs) return undefined;
    this.#nextAt = at + this.#intervalMs;
    return at - now;
  }

  /** When a slot would be free now (for the caller's error message). */
  waitMs(): number {
    return Math.max(0, this.#nextAt - this.now());
  }
}
