/**
 * What a broken or hostile gateway answers never reaches the rest of the product unchecked: secrets it
 * echoes are redacted from every field, its texts are bounded and well-formed, its bodies are bounded in
 * size and in time, and a ban it states is bounded. Over real HTTP to the sandbox's hostile answers.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { alimiProgressNotify, bcpushEventEmit, MAX_BAN_MS, rdcIdentificationCaseUpdate, TopError } from '../../src/top';
import { MAX_TOP_TEXT } from '../../src/top/text';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { SELLER_A_SESSION, SELLER_B_SESSION, sandboxClient, startSandbox } from '../helpers/sandbox';

const caseParam = (id: string) => ({ detail_order_id: '194467217119131', occur_time: 1_700_000_000, operate_type: 1 as const, operate_tips: 'tips', outer_case_id: id, refund_id: '147822831913191' });
const progress = (id: string) => ({ work_order_notify_dxm_command: { async_code: 'ac-1', gmt_time: new Date(), completed: false, work_order_id: id } });

async function failure(call: Promise<unknown>): Promise<TopError> {
  const error = await call.then(
    () => assert.fail('the call succeeded'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof TopError, inspect(error));
  return error;
}

describe('a hostile or broken gateway', async () => {
  const sandbox = await startSandbox();
  sandbox.setFaults({
    hostileAnswers: { 'WO-ECHO': 'echo-secrets', 'WO-ECHO-RESULT': 'echo-secrets-in-result', 'WO-HUGE': 'huge-message', 'WO-BIG': 'oversize-body', 'WO-DRIP': 'drip-body', 'WO-BAN': 'endless-ban' },
  });
  // Another seller's key too: an answer must not carry any session key the worker holds.
  const client = sandboxClient(sandbox, { otherSecrets: () => [SELLER_A_SESSION, SELLER_B_SESSION], requestTimeoutMs: 2_000 });
  const secrets = [SANDBOX_DEFAULTS.appSecret, SELLER_A_SESSION, SELLER_B_SESSION];
  const assertNoSecret = (error: TopError) => {
    const everything = `${error.message} ${JSON.stringify(error.toJSON())} ${inspect(error)}`;
    for (const secret of secrets) assert.ok(!everything.includes(secret), `${secret.slice(0, 8)}… in ${everything.slice(0, 300)}`);
  };

  it('an echoed app secret or session key is redacted from code, sub_code, messages and request id', async () => {
    const error = await failure(rdcIdentificationCaseUpdate(client, { param: caseParam('WO-ECHO') }, { session: SELLER_A_SESSION }));
    assert.equal(error.source, 'gateway');
    assertNoSecret(error);
    assert.match(String(error.code), /\*\*\*/);
    assert.match(error.requestId!, /\*\*\*/);
  });

  it('and from a failed business result inside a success envelope', async () => {
    const error = await failure(bcpushEventEmit(client, { work_order_id: 'WO-ECHO-RESULT' }, { session: SELLER_B_SESSION }));
    assert.equal(error.source, 'business-result');
    assertNoSecret(error);
  });

  it('a 0.9 MB sub_msg of lone surrogates is kept bounded and well-formed', async () => {
    const error = await failure(alimiProgressNotify(client, progress('WO-HUGE')));
    assert.ok(error.subMsg!.length <= MAX_TOP_TEXT, `sub_msg kept at ${error.subMsg!.length} characters`);
    assert.ok(error.message.length < 2 * MAX_TOP_TEXT, `message of ${error.message.length} characters`);
    assert.ok(error.message.isWellFormed() && error.subMsg!.isWellFormed());
  });

  it('a 3 MB body is refused as a transport failure instead of being read', async () => {
    const error = await failure(alimiProgressNotify(client, progress('WO-BIG')));
    assert.equal(error.source, 'transport');
    assert.equal(error.classification, 'transient');
  });

  it('a body fed a byte at a time fails when the whole answer is late, not when the gateway stops', async () => {
    const started = performance.now();
    const error = await failure(alimiProgressNotify(client, progress('WO-DRIP')));
    const took = performance.now() - started;
    assert.equal(error.source, 'transport');
    assert.match(error.message, /no complete answer within 2000 ms/);
    // The body would take a minute: the call ends at its deadline (bounded generously, machines are noisy).
    assert.ok(took < 30_000, `took ${took} ms`);
  });

  it('a ban of three years is taken as at most MAX_BAN_MS', async () => {
    const error = await failure(alimiProgressNotify(client, progress('WO-BAN')));
    assert.equal(error.classification, 'rate-limited');
    assert.equal(error.retryAfterMs, MAX_BAN_MS);
  });
});
