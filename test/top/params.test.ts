import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonExact, stringifyJson } from '../../src/top';
import { jsonInteger } from '../../src/top/json';
import { toWireParams } from '../../src/top/params';

describe('wire parameters', () => {
  it('drops null, undefined, empty and whitespace-only values', () => {
    assert.deepEqual(toWireParams({ a: 'x', b: undefined, c: null, d: '', e: '   ', f: 0, g: false }), { a: 'x', f: '0', g: 'false' });
  });

  it('writes objects as JSON text, top-level lists comma-joined, booleans as true/false', () => {
    assert.deepEqual(toWireParams({ obj: { k: [1, 2], ok: true }, list: ['a', 'b'], flag: true }), {
      obj: '{"k":[1,2],"ok":true}',
      list: 'a,b',
      flag: 'true',
    });
  });

  it('writes a 19-digit id into JSON as a number without losing a digit', () => {
    const id = '9223372036854775807';
    assert.notEqual(String(Number(id)), id, 'the id really is beyond Number precision');
    assert.equal(stringifyJson({ refund_id: jsonInteger(id) }), `{"refund_id":${id}}`);
  });

  it('parses a 19-digit number from JSON as its exact decimal string, small numbers as numbers', () => {
    const parsed = parseJsonExact('{"big":9223372036854775807,"small":42,"ratio":0.5}') as Record<string, unknown>;
    assert.deepEqual(parsed, { big: '9223372036854775807', small: 42, ratio: 0.5 });
  });
});
