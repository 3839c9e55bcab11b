import { isInteger, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

/**
 * JSON for TOP: 64-bit ids (order, sub-order, refund) exceed Number's 2^53. We keep them as decimal
 * strings in our types and never let them pass through Number, in either direction.
 */

/** Parses JSON; integers beyond 2^53 come back as decimal strings, every other number as a Number. */
export function parseJsonExact(text: string): unknown {
  return parse(text, null, (digits) => (isInteger(digits) && !isSafeNumber(digits) ? digits : Number(digits)));
}

/** Marks a decimal id string so that {@link stringifyJson} writes it as a JSON number, digit for digit. */
export function jsonInteger(decimal: string): LosslessNumber {
  return new LosslessNumber(decimal);
}

/** JSON.stringify that writes {@link jsonInteger} values as bare numbers. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}
