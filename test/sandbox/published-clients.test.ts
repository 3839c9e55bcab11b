/**
 * The sandbox must accept requests from independent TOP clients, not only ours. Both published Node
 * clients format `timestamp` in the host's local zone (the bug our client avoids), so this file runs
 * them with the zone the gateway expects, Asia/Shanghai.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publishedTopClients } from '../../dev/published-top-clients';
import { ALIMI_PROGRESS_NOTIFY, formatTopTime, RDC_IDENTIFICATION_CASE_UPDATE } from '../../src/top';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { SELLER_A_SESSION, startSandbox } from '../helpers/sandbox';

process.env.TZ = 'Asia/Shanghai';

const caseParam = (caseId: string) => ({
  detail_order_id: 194467217119131,
  occur_time: 1_700_000_000,
  operate_type: 1,
  operate_tips: '创建鉴定工单',
  outer_case_id: caseId,
  refund_id: 147822831913191,
});

const published = publishedTopClients();

describe('published Node TOP clients are accepted by the sandbox', { skip: published ? false : 'not installed: bash scripts/install-published-top-clients.sh' }, async () => {
  const { ApiClient, NodeTaobaoTopClient } = published!;
  const sandbox = await startSandbox();

  it('ali-topsdk (the official Node SDK, multipart/form-data)', async () => {
    const client = new ApiClient({ appkey: SANDBOX_DEFAULTS.appKey, appsecret: SANDBOX_DEFAULTS.appSecret, url: sandbox.gatewayUrl });
    const execute = (method: string, params: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((resolve, reject) => client.execute(method, params, (error, response) => (error ? reject(new Error(JSON.stringify(error))) : resolve(response))));

    const before = sandbox.calls().length;
    const caseResponse = await execute(RDC_IDENTIFICATION_CASE_UPDATE, { param: caseParam('ali-topsdk-case'), session: SELLER_A_SESSION });
    assert.equal((caseResponse.result as { success: boolean }).success, true);
    const notifyResponse = await execute(ALIMI_PROGRESS_NOTIFY, {
      work_order_notify_dxm_command: { async_code: 'a1', gmt_time: formatTopTime(Date.now()), completed: true, work_order_id: 'WO-SDK', current_node: '完结' },
    });
    assert.equal(notifyResponse.result_success, true);

    const calls = sandbox.calls({ afterSeq: before });
    assert.deepEqual(calls.map((c) => [c.method, c.outcome, c.layouts.join('+'), c.seller]), [
      [RDC_IDENTIFICATION_CASE_UPDATE, 'ok', 'multipart', 'seller-a'],
      [ALIMI_PROGRESS_NOTIFY, 'ok', 'multipart', undefined],
    ]);
    assert.equal((calls[1]!.params.work_order_notify_dxm_command as { current_node: string }).current_node, '完结');
  });

  it('node-taobao-topclient (application/x-www-form-urlencoded)', async () => {
    const client = new NodeTaobaoTopClient({ appkey: SANDBOX_DEFAULTS.appKey, appsecret: SANDBOX_DEFAULTS.appSecret, REST_URL: sandbox.gatewayUrl });
    const before = sandbox.calls().length;
    const response = (await client.execute(RDC_IDENTIFICATION_CASE_UPDATE, { param: caseParam('ntt-case'), session: SELLER_A_SESSION })) as Record<string, unknown>;
    assert.equal((response as { result: { success: boolean } }).result.success, true);
    assert.deepEqual(sandbox.calls({ afterSeq: before }).map((c) => [c.outcome, c.layouts.join('+')]), [['ok', 'urlencoded']]);
  });

  it('still rejects a published client that signs with the wrong secret', async () => {
    const client = new NodeTaobaoTopClient({ appkey: SANDBOX_DEFAULTS.appKey, appsecret: 'wrong', REST_URL: sandbox.gatewayUrl });
    await assert.rejects(client.execute(RDC_IDENTIFICATION_CASE_UPDATE, { param: caseParam('x'), session: SELLER_A_SESSION }), (error: { code?: number }) => error.code === 25);
  });
});
