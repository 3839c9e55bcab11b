import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { request } from 'undici';
import {
  ALIMI_PROGRESS_NOTIFY,
  BCPUSH_EVENT_EMIT,
  bcpushEventEmit,
  formatTopTime,
  alimiProgressNotify,
  RDC_IDENTIFICATION_CASE_UPDATE,
  signTopRequest,
  TopError,
  type TopErrorClass,
  rdcIdentificationCaseUpdate,
} from '../../src/top';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { SELLER_A_SESSION, sandboxClient, startSandbox } from '../helpers/sandbox';

const progress = (workOrderId = 'WO-E') => ({
  work_order_notify_dxm_command: { async_code: 'ac-1', gmt_time: new Date(), completed: false, work_order_id: workOrderId },
});
const caseParam = { detail_order_id: '194467217119131', occur_time: 1_700_000_000, operate_type: 1 as const, operate_tips: '创建鉴定工单', outer_case_id: 'WO-E:case', refund_id: '147822831913191' };

async function expectTopError(call: Promise<unknown>, expected: { code?: number | string; subCode?: string; classification: TopErrorClass; source?: string }): Promise<TopError> {
  let caught: unknown;
  await call.catch((error: unknown) => (caught = error));
  assert.ok(caught instanceof TopError, `expected a TopError, got ${inspect(caught)}`);
  assert.equal(caught.classification, expected.classification, caught.message);
  if (expected.code !== undefined) assert.equal(caught.code, expected.code, caught.message);
  if (expected.subCode !== undefined) assert.equal(caught.subCode, expected.subCode);
  if (expected.source !== undefined) assert.equal(caught.source, expected.source);
  return caught;
}

describe('gateway errors, as the sandbox answers them and the client classifies them', async () => {
  const sandbox = await startSandbox();

  it('wrong secret → 25, configuration', async () => {
    const client = sandboxClient(sandbox, { appSecret: 'not-the-secret' });
    await expectTopError(alimiProgressNotify(client, progress()), { code: 25, classification: 'configuration', source: 'gateway' });
  });

  it('unknown app key → 29, configuration', async () => {
    const client = sandboxClient(sandbox, { appKey: '99999999' });
    await expectTopError(alimiProgressNotify(client, progress()), { code: 29, classification: 'configuration' });
  });

  it('expired session → 27 session-expired, authorization', async () => {
    sandbox.setSession('expired-session-key-123', { seller: 'seller-x', expired: true });
    await expectTopError(bcpushEventEmit(sandboxClient(sandbox), { work_order_id: 'W' }, { session: 'expired-session-key-123' }), {
      code: 27,
      subCode: 'session-expired',
      classification: 'authorization',
    });
  });

  it('unknown session → 27 invalid-sessionkey, authorization', async () => {
    await expectTopError(bcpushEventEmit(sandboxClient(sandbox), { work_order_id: 'W' }, { session: 'no-such-session' }), {
      code: 27,
      subCode: 'invalid-sessionkey',
      classification: 'authorization',
    });
  });

  it('missing session on an API that needs one → 26, authorization', async () => {
    await expectTopError(sandboxClient(sandbox).call(RDC_IDENTIFICATION_CASE_UPDATE, { param: caseParam }), { code: 26, classification: 'authorization' });
  });

  it('a clock 11 minutes off → 31, configuration; 9 minutes is still accepted', async () => {
    const skewed = sandboxClient(sandbox, { now: () => Date.now() - 11 * 60_000 });
    await expectTopError(alimiProgressNotify(skewed, progress()), { code: 31, classification: 'configuration' });
    const slightlyOff = sandboxClient(sandbox, { now: () => Date.now() + 9 * 60_000 });
    await alimiProgressNotify(slightlyOff, progress());
  });

  it('unknown method → 22, configuration', async () => {
    await expectTopError(sandboxClient(sandbox).call('taobao.no.such.api', {}), { code: 22, classification: 'configuration' });
  });

  describe('missing and mistyped business parameters (sent raw, past the client-side checks)', () => {
    const client = () => sandboxClient(sandbox);
    const cases: [string, () => Promise<unknown>, number, string][] = [
      ['missing param', () => client().call(RDC_IDENTIFICATION_CASE_UPDATE, {}, { session: SELLER_A_SESSION }), 40, 'Missing required arguments:param'],
      ['param not JSON', () => client().call(RDC_IDENTIFICATION_CASE_UPDATE, { param: 'not json' }, { session: SELLER_A_SESSION }), 41, 'Invalid arguments:param'],
      ['missing param.refund_id', () => client().call(RDC_IDENTIFICATION_CASE_UPDATE, { param: { ...caseParam, refund_id: undefined } }, { session: SELLER_A_SESSION }), 40, 'Missing required arguments:param.refund_id'],
      ['operate_type as text', () => client().call(RDC_IDENTIFICATION_CASE_UPDATE, { param: { ...caseParam, operate_type: 'open' } }, { session: SELLER_A_SESSION }), 41, 'Invalid arguments:param.operate_type'],
      ['missing command.completed', () => client().call(ALIMI_PROGRESS_NOTIFY, { work_order_notify_dxm_command: { async_code: 'a', gmt_time: formatTopTime(Date.now()), work_order_id: 'W' } }), 40, 'Missing required arguments:work_order_notify_dxm_command.completed'],
      ['completed as a string', () => client().call(ALIMI_PROGRESS_NOTIFY, { work_order_notify_dxm_command: { async_code: 'a', gmt_time: formatTopTime(Date.now()), work_order_id: 'W', completed: 'yes' } }), 41, 'Invalid arguments:work_order_notify_dxm_command.completed'],
      ['ts not a number', () => client().call(BCPUSH_EVENT_EMIT, { ts: 'yesterday' }, { session: SELLER_A_SESSION }), 41, 'Invalid arguments:ts'],
    ];
    for (const [name, call, code, msg] of cases) {
      it(`${name} → ${code}, business`, async () => {
        const error = await expectTopError(call(), { code, classification: 'business' });
        assert.equal(error.msg, msg);
      });
    }

    it('occur_time in milliseconds → 15 isv.invalid-parameter, business', async () => {
      await expectTopError(client().call(RDC_IDENTIFICATION_CASE_UPDATE, { param: { ...caseParam, occur_time: Date.now() } }, { session: SELLER_A_SESSION }), {
        code: 15,
        subCode: 'isv.invalid-parameter',
        classification: 'business',
      });
    });
  });

  describe('injected faults', () => {
    it('a rate-limit ban is parsed into the wait the gateway states', async () => {
      sandbox.setFaults({ rateLimit: { callsPerSecond: 2, banSeconds: 7 } });
      try {
        const client = sandboxClient(sandbox);
        const results = await Promise.allSettled([1, 2, 3, 4].map(() => alimiProgressNotify(client, progress())));
        const banned = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as TopError);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
        assert.equal(banned.length, 2);
        for (const error of banned) {
          assert.equal(error.code, 7);
          assert.equal(error.classification, 'rate-limited');
          assert.ok(error.retryable);
          assert.ok(error.retryAfterMs! > 5_000 && error.retryAfterMs! <= 7_000, `waits for the ban: ${error.retryAfterMs}`);
        }
      } finally {
        sandbox.setFaults({});
      }
    });

    it('isp faults are transient', async () => {
      sandbox.setFaults({ ispErrorRate: 1 });
      try {
        const error = await expectTopError(alimiProgressNotify(sandboxClient(sandbox), progress()), { code: 15, classification: 'transient' });
        assert.match(error.subCode ?? '', /^isp\./);
        assert.ok(error.retryable);
      } finally {
        sandbox.setFaults({});
      }
    });

    it("a flaky work order fails exactly flakyRate of its calls, spread evenly, others never", async () => {
      sandbox.setFaults({ flakyIds: ['WO-FLAKY'], flakyRate: 0.3 });
      try {
        const client = sandboxClient(sandbox);
        const failed: number[] = [];
        for (let call = 1; call <= 14; call += 1) {
          const outcome = await alimiProgressNotify(client, progress('WO-FLAKY')).then(() => 'ok', (error: unknown) => error);
          if (outcome !== 'ok') failed.push(call);
          await alimiProgressNotify(client, progress('WO-STEADY')); // another work order is untouched
        }
        assert.deepEqual(failed, [4, 7, 10, 14]);
      } finally {
        sandbox.setFaults({});
      }
    });

    it('HTTP 502 with an HTML page is a transient transport error, with the page summarised', async () => {
      sandbox.setFaults({ http502Rate: 1 });
      try {
        const error = await expectTopError(alimiProgressNotify(sandboxClient(sandbox), progress()), { classification: 'transient', source: 'transport' });
        assert.equal(error.httpStatus, 502);
        assert.match(error.message, /502 Bad Gateway/);
        assert.doesNotMatch(error.message, /<html>/);
      } finally {
        sandbox.setFaults({});
      }
    });

    it('a dropped connection is a transient transport error', async () => {
      sandbox.setFaults({ dropRate: 1 });
      try {
        await expectTopError(alimiProgressNotify(sandboxClient(sandbox), progress()), { classification: 'transient', source: 'transport' });
      } finally {
        sandbox.setFaults({});
      }
    });

    it('latency beyond the request timeout is a transient transport error', async () => {
      sandbox.setFaults({ latencyMs: 2_500 });
      try {
        await expectTopError(alimiProgressNotify(sandboxClient(sandbox, { requestTimeoutMs: 200 }), progress()), { classification: 'transient', source: 'transport' });
      } finally {
        sandbox.setFaults({});
      }
    });

    it('a business failure inside a success envelope is permanent, for each API', async () => {
      sandbox.setFaults({ businessErrorIds: ['WO-BAD'] });
      try {
        const client = sandboxClient(sandbox);
        await expectTopError(bcpushEventEmit(client, { work_order_id: 'WO-BAD' }, { session: SELLER_A_SESSION }), { code: 1001, classification: 'business', source: 'business-result' });
        await expectTopError(rdcIdentificationCaseUpdate(client, { param: { ...caseParam, outer_case_id: 'WO-BAD' } }, { session: SELLER_A_SESSION }), {
          code: 'isv.case-rejected',
          classification: 'business',
          source: 'business-result',
        });
        await expectTopError(alimiProgressNotify(client, progress('WO-BAD')), { code: 'FAIL', classification: 'business', source: 'business-result' });
      } finally {
        sandbox.setFaults({});
      }
    });
  });

  it('never puts the app secret or the session key into an error or a logged client', async () => {
    // The secret and session appear in what we send; an error must not carry them back out.
    sandbox.setFaults({ ispErrorRate: 1 });
    const client = sandboxClient(sandbox);
    const errors: unknown[] = [];
    try {
      await bcpushEventEmit(client, { work_order_id: 'W' }, { session: SELLER_A_SESSION }).catch((e: unknown) => errors.push(e));
    } finally {
      sandbox.setFaults({});
    }
    await bcpushEventEmit(client, { work_order_id: 'W' }, { session: 'a-wrong-session-key-0001' }).catch((e: unknown) => errors.push(e));
    await bcpushEventEmit(sandboxClient(sandbox, { appSecret: 'wrong-secret-000' }), { work_order_id: 'W' }, { session: SELLER_A_SESSION }).catch((e: unknown) => errors.push(e));
    assert.equal(errors.length, 3);
    const rendered = [...errors.flatMap((e) => [inspect(e, { depth: 5 }), JSON.stringify(e), String(e)]), inspect(client, { depth: 5 }), JSON.stringify(client)].join('\n');
    for (const secret of [SANDBOX_DEFAULTS.appSecret, SELLER_A_SESSION, 'a-wrong-session-key-0001', 'wrong-secret-000']) {
      assert.ok(!rendered.includes(secret), `leaked ${secret}`);
    }
  });

  it('accepts system parameters in the query string and business parameters in the body (Java SDK layout)', async () => {
    const system: Record<string, string> = {
      method: ALIMI_PROGRESS_NOTIFY,
      app_key: SANDBOX_DEFAULTS.appKey,
      timestamp: formatTopTime(Date.now()),
      format: 'json',
      v: '2.0',
      sign_method: 'md5',
    };
    const business = { work_order_notify_dxm_command: JSON.stringify({ async_code: 'q', gmt_time: formatTopTime(Date.now()), completed: true, work_order_id: 'WO-Q' }) };
    const sign = signTopRequest({ ...system, ...business }, SANDBOX_DEFAULTS.appSecret, 'md5');
    const before = sandbox.calls().length;
    const response = await request(`${sandbox.gatewayUrl}?${new URLSearchParams({ ...system, sign }).toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(business).toString(),
    });
    const body = (await response.body.json()) as Record<string, { result_success?: boolean }>;
    assert.equal(body.alimi_workorder_progress_notify_response?.result_success, true);
    assert.deepEqual(sandbox.calls({ afterSeq: before }).map((c) => c.layouts), [['query', 'urlencoded']]);
  });

  it('exposes calls and faults over its admin endpoint', async () => {
    const put = await request(`${sandbox.url}/admin/faults`, { method: 'PUT', body: JSON.stringify({ ispErrorRate: 2 }) });
    assert.equal(put.statusCode, 400);
    assert.match(await put.body.text(), /ispErrorRate/);
    const ok = await request(`${sandbox.url}/admin/faults`, { method: 'PUT', body: JSON.stringify({ latencyMs: 5 }) });
    assert.equal(ok.statusCode, 200);
    assert.equal(sandbox.faults.latencyMs, 5);
    sandbox.setFaults({});
    await alimiProgressNotify(sandboxClient(sandbox), progress('WO-ADMIN'));
    const listed = await request(`${sandbox.url}/admin/calls?method=${ALIMI_PROGRESS_NOTIFY}&outcome=ok`);
    const { calls } = (await listed.body.json()) as { calls: { params: { work_order_notify_dxm_command: { work_order_id: string } } }[] };
    assert.ok(calls.some((c) => c.params.work_order_notify_dxm_command.work_order_id === 'WO-ADMIN'));
  });
});
