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

/** The longest text kept from one field of TOP's answer (a message, a code, a request id). */
export const MAX_TOP_TEXT = 500;

/**
 * Text from TOP made safe to keep: every secret replaced wherever it appears (TOP may echo what it was
 * sent), well-formed Unicode (Temporal's protobufs take nothing else), and at most MAX_TOP_TEXT long.
 */
export function clean(text: string, redact: (text: string) => string): string {
  return fitText(redact(text).toWellFormed(), MAX_TOP_TEXT);
}

/** Replaces every occurrence of the given secrets; text from remote parties may echo what we sent. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let safe = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) safe = safe.split(secret).join('***');
  }
  return safe;
}
