import { setTimeout as sleep } from 'node:timers/promises';

export interface Periodic {
  /** Stops after the round in progress, if any. */
  stop(): Promise<void>;
}

/** Runs `round` now and then every `intervalMs` after it ends, until stopped; a failed round is reported and the next one runs. */
export function runEvery(intervalMs: number, round: () => Promise<void>, failed: (error: unknown) => void): Periodic {
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      try {
        await round();
      } catch (error) {
        failed(error);
      }
      await sleep(intervalMs, undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
}
