import { z } from 'zod';

/** TOP_SESSIONS_FILE: `{ "<seller>": "<session key>" }`, one session key per seller who authorized the app. */
const sessionsFile = z.record(z.string().min(1), z.string().min(1));

/**
 * The file's JSON as seller → session key, or an error naming the file and the seller at fault, never the
 * file's content: it is full of secrets.
 */
export function parseSessionsFile(path: string, json: unknown): Record<string, string> {
  const parsed = sessionsFile.safeParse(json);
  if (!parsed.success) throw new Error(`TOP_SESSIONS_FILE ${path} must map seller → session key (problem at "${parsed.error.issues[0]?.path.join('.')}")`);
  return parsed.data;
}
