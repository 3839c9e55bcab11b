import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';

/** Where the worker finds a seller's TOP session key. Workflow inputs name the seller, never the key. */
export interface SessionStore {
  /** The seller's current session key, or undefined when the seller has none. */
  sessionFor(seller: string): Promise<string | undefined>;
  /** TOP refused `seller`'s key: the next lookup must not answer from a copy read before a re-authorization. */
  keyRejected(seller: string): void;
}

export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  constructor(readonly seller: string) {
    super(`no TOP session key for seller "${seller}" in the session store: the seller must authorize the app`);
  }
}

const sessionsFile = z.record(z.string().min(1), z.string().min(1, 'session key must not be empty'));

/** How long a read of the file answers lookups before the file is checked for changes again. */
export const SESSIONS_RECHECK_MS = 1_000;

/**
 * A JSON file `{ "<seller>": "<session key>" }` (TOP_SESSIONS_FILE), re-read whenever it changes, so a
 * refreshed session key is used without restarting the worker. The file is checked for changes at most once
 * a second (a check on every TOP call was a measurable share of the worker's CPU), and at once when the
 * seller is not in the copy read last or TOP has just refused the seller's key: a seller who has just
 * authorized, or re-authorized after a refusal, is never answered from a stale copy.
 */
export class FileSessionStore implements SessionStore {
  #cache: { mtimeMs: number; sessions: Record<string, string>; checkedAt: number } | undefined;
  readonly #keyChangeListeners: ((sellers: string[]) => void)[] = [];

  constructor(
    readonly path: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Called with the sellers whose key is new or changed each time the file is read after a change (not on the first read). */
  onKeysChanged(listener: (sellers: string[]) => void): void {
    this.#keyChangeListeners.push(listener);
  }

  async sessionFor(seller: string): Promise<string | undefined> {
    const cache = this.#cache;
    const recent = cache && this.now() - cache.checkedAt < SESSIONS_RECHECK_MS && Object.hasOwn(cache.sessions, seller) ? cache.sessions : undefined;
    const sessions = recent ?? (await this.#load());
    return Object.hasOwn(sessions, seller) ? sessions[seller] : undefined;
  }

  keyRejected(): void {
    if (this.#cache) this.#cache.checkedAt = -Infinity;
  }

  /** Reads the file once, so a broken file stops the worker at start-up rather than at the first call. */
  async check(): Promise<number> {
    return Object.keys(await this.#load()).length;
  }

  async #load(): Promise<Record<string, string>> {
    const checkedAt = this.now();
    const { mtimeMs } = await stat(this.path);
    if (this.#cache?.mtimeMs === mtimeMs) {
      this.#cache.checkedAt = checkedAt;
      return this.#cache.sessions;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.path, 'utf8'));
    } catch {
      throw new Error(`TOP_SESSIONS_FILE ${this.path} is not valid JSON`);
    }
    const parsed = sessionsFile.safeParse(json);
    // Name the seller, never echo the file's content: it is full of secrets.
    if (!parsed.success) throw new Error(`TOP_SESSIONS_FILE ${this.path} must map seller → session key (problem at "${parsed.error.issues[0]?.path.join('.')}")`);
    const before = this.#cache?.sessions;
    this.#cache = { mtimeMs, sessions: parsed.data, checkedAt };
    if (before) {
      const changed = Object.keys(parsed.data).filter((seller) => before[seller] !== parsed.data[seller]);
      if (changed.length) for (const listener of this.#keyChangeListeners) listener(changed);
    }
    return parsed.data;
  }
}
