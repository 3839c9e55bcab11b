import { isInteger, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * JSON for TOP: 64-bit ids (order, sub-order, refund) exceed Number's 2^53. We keep them as decimal
 * strings in our types and never let them pass through Number, in either direction. The exact paths
 * cost several times the built-in JSON per call, so they run only when needed.
 */

/** Any run of 16+ digits could be an integer beyond 2^53 (or sit inside a string: then we are merely careful). */
const MAYBE_UNSAFE_INTEGER = /\d{16}/;

/** Parses JSON; integers beyond 2^53 come back as decimal strings, every other number as a Number. */
export function parseJsonExact(text: string): unknown {
  if (!MAYBE_UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  return parse(text, null, (digits) => (isInteger(digits) && !isSafeNumber(digits) ? digits : Number(digits)));
}

/** Marks a decimal id string so that {@link stringifyJson} writes it as a JSON number, digit for digit. */
export function jsonInteger(decimal: string): LosslessNumber {
  return new LosslessNumber(decimal);
}

/** `JSON.rawJSON` (Node.js 21+): the built-in stringify writes a marked id's digits as they are. */
const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;
const writeIdsRaw = rawJSON && ((_key: string, value: unknown) => (value instanceof LosslessNumber ? rawJSON(value.value) : value));

/** JSON.stringify that writes {@link jsonInteger} values as bare numbers. */
export function stringifyJson(value: unknown): string {
  const text = writeIdsRaw ? JSON.stringify(value, writeIdsRaw) : stringify(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}
