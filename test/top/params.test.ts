import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonExact, stringifyJson, TopInputError } from '../../src/top';
import { jsonInteger } from '../../src/top/json';
import { toWireParams } from '../../src/top/params';

describe('wire parameters', () => {
  it('drops null, undefined, empty and whitespace-only values', () => {
    assert.deepEqual(toWireParams('m', { a: 'x', b: undefined, c: null, d: '', e: '   ', f: 0, g: false }), { a: 'x', f: '0', g: 'false' });
  });

  it('writes objects as JSON text, top-level lists comma-joined, booleans as true/false', () => {
    assert.deepEqual(toWireParams('m', { obj: { k: [1, 2], ok: true }, list: ['a', 'b'], flag: true }), {
      obj: '{"k":[1,2],"ok":true}',
      list: 'a,b',
      flag: 'true',
    });
  });

  it('refuses, naming the parameter, what cannot be sent as it is: a number that is not finite, text that is not valid Unicode', () => {
    const refused = (params: Parameters<typeof toWireParams>[1], issue: RegExp) =>
      assert.throws(() => toWireParams('taobao.x', params), (error: unknown) => error instanceof TopInputError && error.method === 'taobao.x' && issue.test(error.issues.join('; ')));
    refused({ ok: 'x', ts: Number.NaN }, /^ts: .*not a finite number$/);
    refused({ ids: ['1', Number.POSITIVE_INFINITY] }, /^ids: /);
    refused({ text: 'half an emoji \ud83d' }, /^text: is not valid Unicode text/);
    refused({ ctx: { n: 1n } }, /^ctx: /);
    // Inside JSON text a lone surrogate is written as an escape, which the gateway reads back as it was.
    assert.deepEqual(toWireParams('taobao.x', { ctx: { text: '\ud83d' } }), { ctx: '{"text":"\\ud83d"}' });
  });

  it('writes a 19-digit id into JSON as a number without losing a digit', () => {
    const id = '9223372036854775807';
    assert.notEqual(String(Number(id)), id, 'the id really is beyond Number precision');
    assert.equal(stringifyJson({ refund_id: jsonInteger(id) }), `{"refund_id":${id}}`);
  });

  it('writes ids nested in lists and objects digit for digit, everything else as JSON.stringify does', () => {
    const id = '194467217119131123';
    const value = { param: { ids: [jsonInteger(id), jsonInteger('42')], note: '编号 9223372036854775807', ok: true, missing: undefined, ratio: 0.5 } };
    assert.equal(stringifyJson(value), `{"param":{"ids":[${id},42],"note":"编号 9223372036854775807","ok":true,"ratio":0.5}}`);
  });

  it('parses numbers exactly whether or not the text holds a long digit run', () => {
    assert.deepEqual(parseJsonExact('{"n":9007199254740991,"id":"12345678901234567890","x":[1,2.5]}'), { n: 9007199254740991, id: '12345678901234567890', x: [1, 2.5] });
    assert.deepEqual(parseJsonExact('{"small":42,"text":"no long numbers here"}'), { small: 42, text: 'no long numbers here' });
  });

  it('parses a 19-digit number from JSON as its exact decimal string, small numbers as numbers', () => {
    const parsed = parseJsonExact('{"big":9223372036854775807,"small":42,"ratio":0.5}') as Record<string, unknown>;
    assert.deepEqual(parsed, { big: '9223372036854775807', small: 42, ratio: 0.5 });
  });
});
