/** Text bounds: what we send within what TOP declares, what we keep of TOP's answers within ours. */

/**
 * `text` cut to at most `max` UTF-16 units (the unit of TOP's declared lengths, Java's String length),
 * ending in `…` when cut and never splitting a surrogate pair: for free text composed from what users wrote
 * (a closing note), which TOP should receive shortened rather than be refused for good, and for what is kept
 * of TOP's own answers.
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
  return `${text.slice(0, end)}…`;
}
