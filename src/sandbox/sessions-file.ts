import { readFileSync, statSync, watchFile } from 'node:fs';
import { parseSessionsFile } from '../top/sessions-file';
import type { SessionGrant } from './server';

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
  return Object.fromEntries(Object.entries(parseSessionsFile(path, json)).map(([seller, session]) => [session, { seller }]));
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
