import { readFileSync, statSync, watchFile } from 'node:fs';
import { z } from 'zod';
import type { SessionGrant } from './server';

/**
 * The worker's TOP_SESSIONS_FILE: `{ "<seller>": "<session key>" }`, read here on its own, not with the worker's
 * reader. The sandbox does share the TOP module's API names, signing, timestamps and JSON parsing with the
 * worker; TOP's published Node SDKs are checked against it (test/sandbox/published-clients.test.ts).
 */
const sessionsFile = z.record(z.string().min(1), z.string().min(1));

/**
 * The sessions the sandbox accepts, from the same file the worker reads, as session key → seller. The
 * error names the file and the position, never its content: it is full of session keys.
 */
export function readSessionsFile(path: string): Record<string, SessionGrant> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`TOP_SESSIONS_FILE ${path} cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
  }
  const parsed = sessionsFile.safeParse(json);
  if (!parsed.success) throw new Error(`TOP_SESSIONS_FILE ${path} must map seller → session key (problem at "${parsed.error.issues[0]?.path.join('.')}")`);
  return Object.fromEntries(Object.entries(parsed.data).map(([seller, session]) => [session, { seller }]));
}

/**
 * Calls `onChange` with the file's sessions whenever it changes, as the worker re-reads it: a seller's
 * refreshed key is then accepted by both. A broken rewrite is reported and the previous sessions stay.
 */
export function watchSessionsFile(path: string, onChange: (sessions: Record<string, SessionGrant>) => void, onError: (error: Error) => void): void {
  let seen = statSync(path).mtimeMs;
  watchFile(path, { interval: 500, persistent: false }, (current) => {
    if (current.mtimeMs === seen) return;
    seen = current.mtimeMs;
    try {
      onChange(readSessionsFile(path));
    } catch (error) {
      onError(error as Error);
    }
  });
}
