import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aliMeNotifyParams, caseUpdateParams, eventEmitParams } from '../../src/activities/top-requests';
import { DEFAULT_STATUS_CODES } from '../../src/work-order/events';
import { caseUpdateRequest, emitEventRequest, progressNotifyRequest } from '../../src/top';

// 2026-03-20 14:05:06.789 in Beijing (TOP's time zone), in epoch ms.
const AT = Date.UTC(2026, 2, 20, 6, 5, 6, 789);

describe("the activities' TOP requests", () => {
  it('emits an event keyed by work order and event kind, with the configured status code', () => {
    const params = eventEmitParams(
      {
        workOrderId: 'WO-1',
        seller: 'seller-a',
        kind: 'timed-out',
        at: AT,
        node: 'inspecting',
        bizOrderId: '4012345678901234567',
        resultMessage: 'late',
        buyer: { nick: 'tb-buyer', openId: 'AAE' },
        qianniu: { tenantCode: 't-1', planId: 'p-9' },
      },
      { ...DEFAULT_STATUS_CODES, 'timed-out': '3' },
    );
    assert.equal(params.event_id, 'WO-1:timed-out', 'the same key on every retry of the same event');
    assert.equal(params.work_order_status, '3');
    assert.equal(params.biz_order_id, '4012345678901234567', 'a 64-bit id stays a string');
    assert.equal(params.ts, AT);
    assert.deepEqual(params.ctx_data, { node: 'inspecting', event: 'timed-out' });
    assert.equal(params.buyer_open_id, 'AAE');
    assert.equal(params.tenant_code, 't-1');
    assert.equal(params.plan_id, 'p-9');
    assert.ok(emitEventRequest.safeParse(params).success, 'the API accepts it, and nothing else (the seller only picks the session key)');
  });

  it('opens and completes the case by its outer case id, at whole seconds', () => {
    const input = { seller: 'seller-a', caseId: 'WO-1', detailOrderId: '194467217119131', refundId: '147822831913191', at: AT, tips: '创建鉴定工单' };
    const opened = caseUpdateParams({ ...input, operation: 'open' });
    assert.deepEqual(opened.param, { detail_order_id: '194467217119131', refund_id: '147822831913191', outer_case_id: 'WO-1', operate_type: 1, operate_tips: '创建鉴定工单', occur_time: Math.floor(AT / 1000) });
    assert.equal(caseUpdateParams({ ...input, operation: 'complete' }).param.operate_type, 2);
    assert.ok(caseUpdateRequest.safeParse(opened).success);
  });

  it("tells 店小蜜 the node by the work order's async code, in Beijing time", () => {
    const params = aliMeNotifyParams({ workOrderId: 'WO-1', asyncCode: 'ac-1', node: 'done', data: { grade: 'A' }, completed: true, at: AT });
    assert.deepEqual(params.work_order_notify_dxm_command, {
      async_code: 'ac-1',
      work_order_id: 'WO-1',
      current_node: 'done',
      input_params: { grade: 'A' },
      completed: true,
      gmt_time: '2026-03-20 14:05:06',
    });
    assert.ok(progressNotifyRequest.safeParse(params).success);
  });
});
