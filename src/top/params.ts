import { TopInputError } from './errors';
import { isJsonInteger, stringifyJson, type JsonInteger } from './json';

/** What a TOP parameter may hold before it is put on the wire. */
export type TopParamValue = string | number | boolean | bigint | JsonInteger | readonly TopParamValue[] | object | null | undefined;

/**
 * Turns parameters into the exact strings that are signed and sent. Null, undefined, empty and
 * whitespace-only values are dropped from both, as the official Java SDK does (the Node SDK signs
 * `undefined` as text, which the gateway rejects). Objects become JSON text; top-level lists are
 * comma-joined; booleans are `true`/`false`. What cannot be sent faithfully (a number that is not finite,
 * text that is not valid Unicode) is refused with a {@link TopInputError} naming the parameter, before
 * anything is signed or sent: retrying would not change it.
 */
export function toWireParams(method: string, params: Readonly<Record<string, TopParamValue>>): Record<string, string> {
  const wire: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    let text: string | undefined;
    try {
      text = toWireValue(value);
    } catch (error) {
      throw new TopInputError(method, [`${name}: ${error instanceof Error ? error.message : String(error)}`]);
    }
    if (text === undefined || text.trim() === '') continue;
    // A lone surrogate half has no UTF-8 form: it would be signed and sent as U+FFFD, not as what was meant.
    if (!text.isWellFormed()) throw new TopInputError(method, [`${name}: is not valid Unicode text (a lone UTF-16 surrogate)`]);
    wire[name] = text;
  }
  return wire;
}

function toWireValue(value: TopParamValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot send ${value}: not a finite number`);
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (isJsonInteger(value)) return value.rawJSON;
  if (Array.isArray(value)) return (value as readonly TopParamValue[]).map((item) => toWireValue(item) ?? '').join(',');
  return stringifyJson(value);
}
