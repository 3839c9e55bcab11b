/**
 * TOP timestamps are wall-clock times in China Standard Time (GMT+8, no daylight saving), whatever the
 * time zone of the host. Formatting in the host's local zone is the classic bug of public Node clients.
 */
const GMT8_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `yyyy-MM-dd HH:mm:ss` in GMT+8. */
export function formatTopTime(at: Date | number): string {
  const shifted = new Date((typeof at === 'number' ? at : at.getTime()) + GMT8_OFFSET_MS);
  return (
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
    `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
  );
}

const TOP_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads a TOP time: `yyyy-MM-dd HH:mm:ss` in GMT+8, or epoch milliseconds (what the Python SDK sends).
 * Returns epoch milliseconds, or undefined when the text is neither.
 */
export function parseTopTime(text: string): number | undefined {
  if (/^\d{10,16}$/.test(text)) return Number(text);
  const m = TOP_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC silently rolls over impossible dates (Feb 30th); reject them instead.
  if (formatTopTime(utc - GMT8_OFFSET_MS) !== text) return undefined;
  return utc - GMT8_OFFSET_MS;
}
