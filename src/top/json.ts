/**
 * JSON for TOP: 64-bit ids (order, sub-order, refund) exceed Number's 2^53. We keep them as decimal
 * strings in our types and never let them pass through Number, in either direction, with the built-in
 * JSON's own means for it (Node.js 21+): `JSON.rawJSON` to write an id's digits as they are, and the
 * source text a `JSON.parse` reviver is given to read them back.
 */

/** A decimal id marked to be written into JSON as a bare number, digit for digit (a `JSON.rawJSON` value). */
export interface JsonInteger {
  readonly rawJSON: string;
}

/** The parts of the built-in JSON that TypeScript's ES2022 library does not declare yet. */
interface JsonWithSourceText {
  rawJSON(text: string): JsonInteger;
  isRawJSON(value: unknown): value is JsonInteger;
  parse(text: string, reviver: (key: string, value: unknown, context?: { source?: string }) => unknown): unknown;
}
const json = JSON as unknown as JsonWithSourceText;

/** Any run of 16+ digits could be an integer beyond 2^53 (or sit inside a string: then we are merely careful). */
const MAYBE_UNSAFE_INTEGER = /\d{16}/;
const INTEGER_TEXT = /^-?\d+$/;

/** Parses JSON; integers beyond 2^53 come back as decimal strings, every other number as a Number. */
export function parseJsonExact(text: string): unknown {
  // The reviver costs several times the plain parse, so it runs only when a long digit run is there.
  if (!MAYBE_UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  return json.parse(text, (_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && INTEGER_TEXT.test(context.source) ? context.source : value,
  );
}

/** Marks a decimal id string so that {@link stringifyJson} (the built-in JSON.stringify) writes it as a JSON number. */
export function jsonInteger(decimal: string): JsonInteger {
  return json.rawJSON(decimal);
}

export function isJsonInteger(value: unknown): value is JsonInteger {
  return json.isRawJSON(value);
}

/** JSON.stringify that refuses what has no JSON text; {@link jsonInteger} values are written as bare numbers. */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}
