import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/client';
import { formatTopTime } from '../../src/top';
import { saveHistory } from '../helpers/histories';
import { startStack } from '../helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/**
 * 店小蜜 orders a work order's nodes by `gmt_time`, AliGenius its case operations by `occur_time`, Qianniu
 * its events by `ts`. Retries must never make them go backwards.
 */
describe('the times sent to TOP, when the opening steps retry while progress arrives', async () => {
  const { sandbox, client, env } = await startStack();

  it('node times never decrease, the first node carries the creation time, open ≤ close, created ≤ closing', async () => {
    const id = newWorkOrderId('WO-TIMES');
    sandbox.setFaults({ flakyIds: [id], flakyRate: 1 }); // every call for this work order fails transiently
    try {
      await client.start(fullWorkOrder(id));
      await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
      await sleep(2_500); // the opening steps keep retrying (1 s, then 2 s backoff) well past the report
    } finally {
      sandbox.setFaults({});
    }
    await client.complete(id, { resultMessage: '鉴定为正品', finalNode: 'finished' });
    const final = await client.result(id);
    assert.ok(callsFor(sandbox, id, 'isp-error').length >= 2, 'the opening steps did retry');

    const calls = callsFor(sandbox, id);
    assert.deepEqual(calls.map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:inspecting', 'notify:finished!', 'case:2', 'emit:completed']);
    const params = calls.map((call) => call.params as Record<string, any>);
    const createdAt = Date.parse(final.createdAt);

    const nodeTimes = params.filter((p) => p.work_order_notify_dxm_command).map((p) => p.work_order_notify_dxm_command.gmt_time as string);
    assert.equal(nodeTimes[0], formatTopTime(createdAt), 'the first node is when the work order was created');
    assert.deepEqual([...nodeTimes].sort(), nodeTimes, `node times never decrease: ${nodeTimes.join(' → ')}`);

    const [created, open, , , , close, completed] = params;
    assert.equal(created!.ts, createdAt);
    assert.equal(open!.param.occur_time, Math.floor(createdAt / 1000));
    assert.ok(close!.param.occur_time >= open!.param.occur_time, 'case: open ≤ close');
    assert.ok(completed!.ts >= created!.ts, 'events: created ≤ closing');
    await saveHistory(env, workflowIdFor(id), 'opening-retried-while-progress-arrived');
  });
});
