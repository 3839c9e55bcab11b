/** Text bounds TOP declares, applied to what we compose. */

/**
 * `text` cut to at most `max` UTF-16 units (the unit of TOP's declared lengths, Java's String length),
 * ending in `…` when cut and never splitting a surrogate pair: for free text composed from what users wrote
 * (a closing note), which TOP should receive shortened rather than be refused for good.
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
  return `${text.slice(0, end)}…`;
}
