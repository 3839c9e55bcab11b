/**
 * Which sellers use the app's TOP quota most, in bounded memory and without a metric label per seller
 * (thousands of sellers would explode Prometheus's cardinality): the worker counts its calls per fairness
 * key (the seller, work-order/priorities.ts) in a Space-Saving sketch of a fixed number of counters, over
 * the last one to two windows, and serves the heaviest on its health endpoint (`GET /quota`).
 *
 * Space-Saving (Metwally, Agrawal, El Abbadi, 2005): with `capacity` counters, every seller that took more
 * than 1/capacity of the calls is in the sketch, and each count is over by at most its `error`.
 */
export interface QuotaUser {
  /** The seller's fairness key: the seller itself, or a prefix and a hash past 64 bytes. */
  seller: string;
  calls: number;
  /** How many of `calls` may belong to sellers evicted before this one took their counter. */
  error: number;
  /** Share of the worker's calls in the window, in percent. */
  sharePercent: number;
  /** Mean time its calls waited on the task queue for the quota, in ms. */
  meanQueueWaitMs: number;
}

export interface QuotaReport {
  /** The span counted: the last one to two windows. */
  sinceMs: number;
  calls: number;
  /** The heaviest sellers, most calls first. */
  sellers: QuotaUser[];
}

interface Counter {
  calls: number;
  error: number;
  waitedMs: number;
}

class SpaceSaving {
  readonly counters = new Map<string, Counter>();
  calls = 0;
  constructor(readonly capacity: number) {}

  add(key: string, waitedMs: number): void {
    this.calls++;
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { calls: 0, error: 0, waitedMs: 0 };
      if (this.counters.size >= this.capacity) {
        // The least-counted seller gives up its counter; the newcomer inherits its count as possible error.
        const [victim, least] = [...this.counters].reduce((min, entry) => (entry[1].calls < min[1].calls ? entry : min));
        this.counters.delete(victim);
        counter = { calls: least.calls, error: least.calls, waitedMs: 0 };
      }
      this.counters.set(key, counter);
    }
    counter.calls++;
    counter.waitedMs += waitedMs;
  }
}

export class QuotaUsers {
  #current: SpaceSaving;
  #previous: SpaceSaving;
  #windowStartedAt: number;

  constructor(
    readonly capacity = 64,
    readonly windowMs = 60_000,
    readonly now: () => number = Date.now,
  ) {
    this.#current = new SpaceSaving(capacity);
    this.#previous = new SpaceSaving(capacity);
    this.#windowStartedAt = now();
  }

  /** One call of `seller`'s that waited `queueWaitMs` on the task queue. */
  record(seller: string, queueWaitMs: number): void {
    this.#rotate();
    this.#current.add(seller, queueWaitMs);
  }

  /** The `count` heaviest sellers of the last one to two windows. */
  report(count = 10): QuotaReport {
    this.#rotate();
    const merged = new Map<string, Counter>();
    for (const sketch of [this.#previous, this.#current]) {
      for (const [seller, { calls, error, waitedMs }] of sketch.counters) {
        const sum = merged.get(seller) ?? { calls: 0, error: 0, waitedMs: 0 };
        merged.set(seller, { calls: sum.calls + calls, error: sum.error + error, waitedMs: sum.waitedMs + waitedMs });
      }
    }
    const calls = this.#previous.calls + this.#current.calls;
    const sellers = [...merged]
      .sort(([, a], [, b]) => b.calls - a.calls)
      .slice(0, count)
      .map(([seller, counter]) => ({
        seller,
        calls: counter.calls,
        error: counter.error,
        sharePercent: calls === 0 ? 0 : Math.round((1000 * counter.calls) / calls) / 10,
        // Waits are summed for the calls counted since the seller took its counter, not for inherited ones.
        meanQueueWaitMs: Math.round(counter.waitedMs / Math.max(1, counter.calls - counter.error)),
      }));
    return { sinceMs: this.now() - this.#windowStartedAt + (this.#previous.calls > 0 ? this.windowMs : 0), calls, sellers };
  }

  #rotate(): void {
    const elapsed = this.now() - this.#windowStartedAt;
    if (elapsed < this.windowMs) return;
    // Two windows or more of silence leave nothing worth reporting in the previous one.
    this.#previous = elapsed < 2 * this.windowMs ? this.#current : new SpaceSaving(this.capacity);
    this.#current = new SpaceSaving(this.capacity);
    this.#windowStartedAt += Math.floor(elapsed / this.windowMs) * this.windowMs;
  }
}
