/**
 * Times as the people who run work orders read them: Beijing time (UTC+8, no daylight saving), TOP's own
 * clock, with the zone written out. Plain arithmetic, so workflow code can use it too.
 */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `2026-12-03 22:18:41 (UTC+8)` for an ISO time or epoch milliseconds. */
export function beijingTime(time: string | number): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(ms)) return String(time);
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')} (UTC+8)`;
}
