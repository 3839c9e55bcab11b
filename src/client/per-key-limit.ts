/**
 * At most `limit` tasks per key at a time; the others wait their turn, first come first served (so tasks
 * for one key also start in the order they were handed over).
 */
export class PerKeyLimit {
  readonly #lanes = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, (lane = { active: 0, waiting: [] }));
    if (lane.active < this.limit) lane.active++;
    else await new Promise<void>((resolve) => lane.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = lane.waiting.shift();
      // The slot passes to the next task waiting, or is given back; an idle key is forgotten.
      if (next) next();
      else if (--lane.active === 0) this.#lanes.delete(key);
    }
  }
}
