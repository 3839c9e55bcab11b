import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALIMI_PROGRESS_NOTIFY,
  BCPUSH_EVENT_EMIT,
  bcpushEventEmit,
  alimiProgressNotify,
  RDC_IDENTIFICATION_CASE_UPDATE,
  SIGN_METHODS,
  TopInputError,
  rdcIdentificationCaseUpdate,
} from '../../src/top';
import { SELLER_A_SESSION, sandboxClient, startSandbox } from '../helpers/sandbox';

const NINETEEN_DIGITS = '9223372036854775807';

describe('client ↔ sandbox round trips', async () => {
  const sandbox = await startSandbox();

  for (const signMethod of SIGN_METHODS) {
    it(`all three APIs succeed when signed with ${signMethod}`, async () => {
      const client = sandboxClient(sandbox, { signMethod });
      const before = sandbox.calls().length;

      const emitted = await bcpushEventEmit(
        client,
        { event_id: 'WO-1:created', work_order_id: 'WO-1', biz_order_id: NINETEEN_DIGITS, ts: 1_700_000_000_123, ctx_data: { node: 'created' }, text: '工单描述' },
        { session: SELLER_A_SESSION },
      );
      assert.equal(emitted.result.success, true);

      const updated = await rdcIdentificationCaseUpdate(
        client,
        {
          param: {
            detail_order_id: '194467217119131',
            occur_time: 1_700_000_000,
            operate_type: 1,
            operate_tips: '创建鉴定工单',
            outer_case_id: 'WO-1:case',
            refund_id: NINETEEN_DIGITS,
            ext_attrs: { source: 'test' },
          },
        },
        { session: SELLER_A_SESSION },
      );
      assert.equal(updated.result.success, true);
      assert.equal(updated.result.result_data?.consume_status, 'SUCCESS');

      const notified = await alimiProgressNotify(client, {
        work_order_notify_dxm_command: {
          async_code: 'd064f3519426dcd30114b900431fc044',
          gmt_time: '2025-03-20 00:00:00',
          input_params: { itemCode: 'KLSJDFKLJSDF' },
          current_node: 'createNode',
          completed: false,
          work_order_id: 'WO-1',
        },
      });
      assert.equal(notified.result_success, true);

      const calls = sandbox.calls({ afterSeq: before });
      assert.deepEqual(calls.map((c) => [c.method, c.outcome, c.signMethod]), [
        [BCPUSH_EVENT_EMIT, 'ok', signMethod],
        [RDC_IDENTIFICATION_CASE_UPDATE, 'ok', signMethod],
        [ALIMI_PROGRESS_NOTIFY, 'ok', signMethod],
      ]);
      assert.equal(calls[0]!.seller, 'seller-a');
      assert.equal(calls[2]!.seller, undefined, 'progress notify is called without a session');
      assert.deepEqual(calls[0]!.params, {
        event_id: 'WO-1:created',
        work_order_id: 'WO-1',
        biz_order_id: NINETEEN_DIGITS,
        ts: 1_700_000_000_123,
        ctx_data: { node: 'created' },
        text: '工单描述',
      });
      assert.deepEqual(calls[1]!.params, {
        param: {
          detail_order_id: '194467217119131',
          occur_time: 1_700_000_000,
          operate_type: 1,
          operate_tips: '创建鉴定工单',
          outer_case_id: 'WO-1:case',
          refund_id: NINETEEN_DIGITS,
          ext_attrs: '{"source":"test"}',
        },
      });
      assert.deepEqual(calls[2]!.params, {
        work_order_notify_dxm_command: {
          async_code: 'd064f3519426dcd30114b900431fc044',
          gmt_time: '2025-03-20 00:00:00',
          input_params: '{"itemCode":"KLSJDFKLJSDF"}',
          current_node: 'createNode',
          completed: false,
          work_order_id: 'WO-1',
        },
      });
    });
  }

  it('a 19-digit refund id travels as a JSON number, digit for digit', async () => {
    const client = sandboxClient(sandbox);
    const before = sandbox.calls().length;
    await rdcIdentificationCaseUpdate(
      client,
      { param: { detail_order_id: '1234567890123456789', occur_time: 1_700_000_000, operate_type: 2, operate_tips: '完结', outer_case_id: 'c', refund_id: NINETEEN_DIGITS } },
      { session: SELLER_A_SESSION },
    );
    const [call] = sandbox.calls({ afterSeq: before });
    const param = call!.params.param as Record<string, unknown>;
    assert.equal(param.refund_id, NINETEEN_DIGITS);
    assert.equal(param.detail_order_id, '1234567890123456789');
  });

  it('text with every character the form encoding treats specially arrives exactly as sent, and its signature holds', async () => {
    const text = "a+b c&d=e%25f;g/h?i#j!'()*~_.-  工单😀\n";
    const before = sandbox.calls().length;
    await bcpushEventEmit(sandboxClient(sandbox, { signMethod: 'md5' }), { work_order_id: 'WO-ENC', text }, { session: SELLER_A_SESSION });
    const [call] = sandbox.calls({ afterSeq: before });
    assert.equal(call!.outcome, 'ok');
    assert.equal(call!.params.text, text);
  });

  it('a business parameter named like a system parameter cannot replace it', async () => {
    const before = sandbox.calls().length;
    const notify = { work_order_notify_dxm_command: JSON.stringify({ async_code: 'a', gmt_time: '2025-03-20 00:00:00', completed: false, work_order_id: 'W-SYS' }) };
    await sandboxClient(sandbox).call(ALIMI_PROGRESS_NOTIFY, { ...notify, method: 'taobao.forged', app_key: 'forged-app', timestamp: '2000-01-01 00:00:00', sign_method: 'none' });
    const [call] = sandbox.calls({ afterSeq: before });
    assert.equal(call!.method, ALIMI_PROGRESS_NOTIFY);
    assert.equal(call!.outcome, 'ok');
  });

  describe('invalid input is rejected before any HTTP call, naming the field', () => {
    const invalid: [string, () => Promise<unknown>, RegExp][] = [
      ['refund id as a Number', () => rdcIdentificationCaseUpdate(sandboxClient(sandbox), { param: { detail_order_id: '1', occur_time: 1, operate_type: 1, operate_tips: 't', outer_case_id: 'c', refund_id: 147822831913191 as unknown as string } }, { session: SELLER_A_SESSION }), /param\.refund_id: must be a decimal string/],
      ['19-digit id beyond 2^63 − 1', () => rdcIdentificationCaseUpdate(sandboxClient(sandbox), { param: { detail_order_id: '1', occur_time: 1, operate_type: 1, operate_tips: 't', outer_case_id: 'c', refund_id: '9223372036854775808' } }, { session: SELLER_A_SESSION }), /param\.refund_id: exceeds the 64-bit id range/],
      ['20-digit id', () => rdcIdentificationCaseUpdate(sandboxClient(sandbox), { param: { detail_order_id: '12345678901234567890', occur_time: 1, operate_type: 1, operate_tips: 't', outer_case_id: 'c', refund_id: '1' } }, { session: SELLER_A_SESSION }), /param\.detail_order_id/],
      ['operate_type 3', () => rdcIdentificationCaseUpdate(sandboxClient(sandbox), { param: { detail_order_id: '1', occur_time: 1, operate_type: 3 as 1, operate_tips: 't', outer_case_id: 'c', refund_id: '1' } }, { session: SELLER_A_SESSION }), /param\.operate_type: must be 1 \(open\) or 2 \(complete\)/],
      ['missing async_code', () => alimiProgressNotify(sandboxClient(sandbox), { work_order_notify_dxm_command: { gmt_time: new Date(), completed: true, work_order_id: 'W' } as never }), /work_order_notify_dxm_command\.async_code/],
      ['bad gmt_time', () => alimiProgressNotify(sandboxClient(sandbox), { work_order_notify_dxm_command: { async_code: 'a', gmt_time: '2025/03/20', completed: true, work_order_id: 'W' } }), /gmt_time/],
      ['unknown bcpush parameter', () => bcpushEventEmit(sandboxClient(sandbox), { wrok_order_id: 'W' } as never, { session: SELLER_A_SESSION }), /wrok_order_id/],
      ['ts with a fraction', () => bcpushEventEmit(sandboxClient(sandbox), { ts: 1.5 }, { session: SELLER_A_SESSION }), /ts:/],
      ['text that is not valid Unicode (a lone surrogate)', () => bcpushEventEmit(sandboxClient(sandbox), { work_order_id: 'W', text: 'half an emoji \ud83d' }, { session: SELLER_A_SESSION }), /text: is not valid Unicode text/],
      ['no session for an API that needs one', () => bcpushEventEmit(sandboxClient(sandbox), { work_order_id: 'W' }), /session/],
    ];
    for (const [name, call, message] of invalid) {
      it(name, async () => {
        const before = sandbox.calls().length;
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof TopInputError);
          assert.match(error.message, message);
          return true;
        });
        assert.equal(sandbox.calls().length, before, 'nothing reached the gateway');
      });
    }
  });
});
