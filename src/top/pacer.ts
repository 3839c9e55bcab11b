/** How several clients (worker processes) share one app's budget. */
export interface BudgetShare {
  /** Clients sharing the budget. */
  count: number;
  /**
   * This client's place (0 … count − 1) on the shared schedule. Unset: each client paces on its own at
   * budget / count.
   */
  index?: number;
}

/** Milliseconds since the epoch from the monotonic clock: comparable across processes, never stepped back. */
const epochNow = () => performance.timeOrigin + performance.now();

/**
 * Spreads calls evenly over time (GCRA with no burst), so no one-second window, fixed or sliding, carries
 * more than the budget. A slot that would be more than `maxWaitMs` away is not taken, so a call never
 * waits past its deadline.
 *
 * With several clients there are two ways to share:
 * - on their own (no index): each sends at budget / count on its own phase. Their calls can line up, and a
 *   late timer lets one more of each into a second, so the budget must leave one call per client spare.
 * - on one schedule (an index each): slots lie on one grid of budget slots a second counted from the
 *   epoch, and client i takes every count-th slot from slot i. All clients together never exceed the
 *   budget, so it needs only one call spare for late timers, whatever the count; the price is that a call
 *   arriving after a quiet spell waits up to count / budget seconds for its client's turn.
 */
export class Pacer {
  readonly #schedule: Schedule;

  constructor(
    callsPerSecond: number,
    share: BudgetShare = { count: 1 },
    readonly now: () => number = epochNow,
  ) {
    if (!(callsPerSecond > 0)) throw new RangeError('callsPerSecond must be positive');
    if (!(Number.isInteger(share.count) && share.count > 0)) throw new RangeError('share.count must be a positive whole number');
    if (share.index !== undefined && !(Number.isInteger(share.index) && share.index >= 0 && share.index < share.count)) {
      throw new RangeError('share.index must be a whole number from 0 to share.count - 1');
    }
    // A client alone has no one to take turns with: it keeps its own schedule (no wait after a quiet spell).
    this.#schedule =
      share.index === undefined || share.count === 1
        ? new OwnSchedule((1000 * share.count) / callsPerSecond)
        : new SharedSchedule(1000 / callsPerSecond, share.index, share.count);
  }

  /** Takes the next slot and returns how long to wait for it, or undefined (no slot taken) when that is beyond `maxWaitMs`. */
  reserve(maxWaitMs = Infinity): number | undefined {
    const now = this.now();
    const at = this.#schedule.nextSlot(now);
    if (at - now > maxWaitMs) return undefined;
    this.#schedule.take(at);
    return at - now;
  }

  /** When a slot would be free now (for the caller's error message). */
  waitMs(): number {
    const now = this.now();
    return this.#schedule.nextSlot(now) - now;
  }
}

interface Schedule {
  /** This client's first free slot at or after `now`. */
  nextSlot(now: number): number;
  take(slot: number): void;
}

class OwnSchedule implements Schedule {
  /** When the next call may leave (the "theoretical arrival time"). */
  #nextAt = 0;
  constructor(readonly intervalMs: number) {}
  nextSlot(now: number): number {
    return Math.max(now, this.#nextAt);
  }
  take(slot: number): void {
    this.#nextAt = slot + this.intervalMs;
  }
}

class SharedSchedule implements Schedule {
  /** Counted in whole slots since the epoch, so no rounding moves a call onto another client's slot. */
  #nextSlot = 0;
  constructor(
    readonly slotMs: number,
    readonly index: number,
    readonly count: number,
  ) {}
  nextSlot(now: number): number {
    let slot = Math.max(Math.ceil(now / this.slotMs), this.#nextSlot);
    slot += (((this.index - slot) % this.count) + this.count) % this.count;
    return slot * this.slotMs;
  }
  take(slot: number): void {
    this.#nextSlot = Math.round(slot / this.slotMs) + this.count;
  }
}
