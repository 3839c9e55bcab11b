import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';

/** Where the worker finds a seller's TOP session key. Workflow inputs name the seller, never the key. */
export interface SessionStore {
  /** The seller's current session key, or undefined when the seller has none. */
  sessionFor(seller: string): Promise<string | undefined>;
}

export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  constructor(readonly seller: string) {
    super(`no TOP session key for seller "${seller}" in the session store: the seller must authorize the app`);
  }
}

const sessionsFile = z.record(z.string().min(1), z.string().min(1, 'session key must not be empty'));

/**
 * A JSON file `{ "<seller>": "<session key>" }` (TOP_SESSIONS_FILE). Re-read whenever it changes, so a
 * refreshed session key is used by the next attempt without restarting the worker.
 */
export class FileSessionStore implements SessionStore {
  #cache: { mtimeMs: number; sessions: Record<string, string> } | undefined;

  constructor(readonly path: string) {}

  async sessionFor(seller: string): Promise<string | undefined> {
    const sessions = await this.#load();
    return Object.hasOwn(sessions, seller) ? sessions[seller] : undefined;
  }

  /** Reads the file once, so a broken file stops the worker at start-up rather than at the first call. */
  async check(): Promise<number> {
    return Object.keys(await this.#load()).length;
  }

  async #load(): Promise<Record<string, string>> {
    const { mtimeMs } = await stat(this.path);
    if (this.#cache?.mtimeMs === mtimeMs) return this.#cache.sessions;
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.path, 'utf8'));
    } catch {
      throw new Error(`TOP_SESSIONS_FILE ${this.path} is not valid JSON`);
    }
    const parsed = sessionsFile.safeParse(json);
    // Name the seller, never echo the file's content: it is full of secrets.
    if (!parsed.success) throw new Error(`TOP_SESSIONS_FILE ${this.path} must map seller → session key (problem at "${parsed.error.issues[0]?.path.join('.')}")`);
    this.#cache = { mtimeMs, sessions: parsed.data };
    return parsed.data;
  }
}
