import { readFile, stat } from 'node:fs/promises';
import { parseSessionsFile } from '../top/sessions-file';

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

/** How long a read of the file answers lookups before the file is checked for changes again. */
export const SESSIONS_RECHECK_MS = 1_000;

/**
 * A JSON file `{ "<seller>": "<session key>" }` (TOP_SESSIONS_FILE), re-read whenever it changes, so a
 * refreshed session key is used without restarting the worker. The file is checked for changes at most once
 * a second (a check on every TOP call was a measurable share of the worker's CPU), and at once when the
 * seller is not in the copy read last or TOP has just refused the seller's key: a seller who has just
 * authorized, or re-authorized after a refusal, is never answered from a stale copy.
 *
 * A file that cannot be read at start-up stops the worker. One that goes missing or bad later (a deploy
 * rewriting it, a typo) is a `problem`: the last good copy keeps answering, so work orders go on, while
 * the worker reports not ready and says why, until the file is good again.
 */
export class FileSessionStore implements SessionStore {
  #cache: { mtimeMs: number; sessions: Record<string, string>; checkedAt: number } | undefined;
  #problem: string | undefined;
  readonly #keyChangeListeners: ((sellers: string[]) => void)[] = [];
  readonly #problemListeners: ((problem: string | undefined) => void)[] = [];

  constructor(
    readonly path: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Called with the sellers whose key is new or changed each time the file is read after a change (not on the first read). */
  onKeysChanged(listener: (sellers: string[]) => void): void {
    this.#keyChangeListeners.push(listener);
  }

  /** Called when the file turns bad (with why) and when it is good again (undefined). */
  onProblemChanged(listener: (problem: string | undefined) => void): void {
    this.#problemListeners.push(listener);
  }

  /** Why the file could not be read last time, while the last good copy answers; undefined when it is good. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** Every session key of the last good copy: none of them may appear in an error or a log line. */
  knownKeys(): Iterable<string> {
    return Object.values(this.#cache?.sessions ?? {});
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
    let read: { mtimeMs: number; sessions: Record<string, string> } | undefined;
    try {
      read = await this.#read(this.#cache?.mtimeMs);
    } catch (error) {
      if (!this.#cache) throw error;
      // The last good copy answers until the file is good again; it is looked at again in a second.
      this.#cache.checkedAt = checkedAt;
      this.#setProblem((error as Error).message);
      return this.#cache.sessions;
    }
    this.#setProblem(undefined);
    if (!read) {
      this.#cache!.checkedAt = checkedAt;
      return this.#cache!.sessions;
    }
    const before = this.#cache?.sessions;
    this.#cache = { ...read, checkedAt };
    if (before) {
      const changed = Object.keys(read.sessions).filter((seller) => before[seller] !== read.sessions[seller]);
      if (changed.length) for (const listener of this.#keyChangeListeners) listener(changed);
    }
    return read.sessions;
  }

  /** The file's sessions, or undefined when it has not changed since `knownMtimeMs`. Errors name the file, never its content. */
  async #read(knownMtimeMs: number | undefined): Promise<{ mtimeMs: number; sessions: Record<string, string> } | undefined> {
    let mtimeMs: number;
    let text: string;
    try {
      ({ mtimeMs } = await stat(this.path));
      if (mtimeMs === knownMtimeMs) return undefined;
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(`TOP_SESSIONS_FILE ${this.path} cannot be read${code === 'ENOENT' ? ': no such file' : ''} (${code ?? String(error)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`TOP_SESSIONS_FILE ${this.path} is not valid JSON`);
    }
    return { mtimeMs, sessions: parseSessionsFile(this.path, json) };
  }

  #setProblem(problem: string | undefined): void {
    if (problem === this.#problem) return;
    this.#problem = problem;
    for (const listener of this.#problemListeners) listener(problem);
  }
}
