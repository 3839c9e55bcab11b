import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/client';
import { WORK_ORDER_STATUS } from '../../src/work-order/search-attributes';
import { DEFAULT_SESSIONS, eventually, startStack, statusWhere } from '../helpers/stack';
import { runIdsOf, saveHistory } from '../helpers/histories';
import { belongsTo, callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

describe('when TOP says no, or time runs out', async () => {
  const { sandbox, client, env, writeSessions } = await startStack();

  const statusOf = async (id: string, wanted: string) => await statusWhere(client, id, wanted, (view) => view.status === wanted);

  it('a permanent business error stops retrying, shows why, and resumes on an operator retry', async () => {
    const id = newWorkOrderId('WO-BIZ');
    sandbox.setFaults({ businessErrorIds: [id] });
    try {
      await client.start(fullWorkOrder(id));
      const failed = await statusOf(id, 'failed');
      assert.equal(failed.lastError?.step, 'emit-created-event');
      assert.equal(failed.lastError?.type, 'TopError:business');
      assert.equal(failed.lastError?.code, 1001);
      assert.match(failed.waitingFor, /^operator retry or skip of emit-created-event/);
      const [listed] = await eventually(async () => {
        const rows = await client.list({ status: 'failed' });
        const mine = rows.filter((row) => row.workOrderId === id);
        return mine.length ? mine : undefined;
      }, 'failed work order listed');
      assert.equal(listed!.status, 'failed');
      // No hot loop: one refused call, and still one a moment later.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(callsFor(sandbox, id, 'business-error').length, 1);
    } finally {
      sandbox.setFaults({});
    }
    await client.retry(id);
    await statusOf(id, 'open');
    await client.complete(id, { resultMessage: 'ok after retry' });
    const final = await client.result(id);
    assert.equal(final.status, 'completed');
    assert.equal(final.steps.filter((s) => s.outcome === 'failed').length, 1);
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:completed!', 'case:2', 'emit:completed']);
    await saveHistory(env, workflowIdFor(id), 'permanent-failure-then-retry');
  });

  it('an expired session waits for the seller to re-authorize, then carries on with the new key', async () => {
    const id = newWorkOrderId('WO-AUTH');
    sandbox.setSession('expired-key-for-seller-c', { seller: 'seller-c', expired: true });
    writeSessions({ ...DEFAULT_SESSIONS, 'seller-c': 'expired-key-for-seller-c' });
    await client.start(fullWorkOrder(id, { seller: 'seller-c' }));
    const failed = await statusOf(id, 'failed');
    assert.equal(failed.lastError?.type, 'TopError:authorization');
    assert.equal(failed.lastError?.code, 27);
    assert.equal(failed.lastError?.subCode, 'session-expired');
    assert.equal(sandbox.calls({ outcome: 'rejected' }).filter((c) => belongsTo(c, id)).length, 1, 'one call, no retries');

    sandbox.setSession('fresh-key-for-seller-c', { seller: 'seller-c' });
    writeSessions({ ...DEFAULT_SESSIONS, 'seller-c': 'fresh-key-for-seller-c' });
    await client.retry(id);
    await statusOf(id, 'open');
    await client.complete(id, { resultMessage: 're-authorized' });
    assert.equal((await client.result(id)).status, 'completed');
    assert.ok(callsFor(sandbox, id).every((c) => c.method === 'taobao.alimi.workorder.progress.notify' || c.seller === 'seller-c'));
  });

  it('a seller missing from the session store is an authorization failure, and cancellation still closes cleanly', async () => {
    const id = newWorkOrderId('WO-NOSESSION');
    await client.start(fullWorkOrder(id, { seller: 'seller-unknown' }));
    const failed = await statusOf(id, 'failed');
    assert.equal(failed.lastError?.type, 'TopError:authorization');
    assert.match(failed.lastError?.message ?? '', /no TOP session key for seller "seller-unknown"/);
    await client.cancel(id, { reason: 'seller left' });
    const final = await client.result(id);
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(final.onTop, { createdEvent: 'no', case: 'no' });
    // Qianniu refused the work order, so there is nothing there to close; 店小蜜 (no session needed) is told.
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['notify:cancelled!']);
  });

  it('SLA passed with keep-waiting: escalated in status and search attributes, then completed normally', async () => {
    const id = newWorkOrderId('WO-SLA');
    await client.start(fullWorkOrder(id, { sla: { within: '2s', onBreach: 'keep-waiting' } }));
    const escalated = await statusOf(id, 'escalated');
    assert.ok(escalated.escalatedAt);
    const description = await env.client.workflow.getHandle(workflowIdFor(id)).describe();
    assert.equal(description.typedSearchAttributes.get(WORK_ORDER_STATUS), 'escalated');
    await client.complete(id, { resultMessage: 'late but done' });
    assert.equal((await client.result(id)).status, 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:completed!', 'case:2', 'emit:completed']);
    await saveHistory(env, workflowIdFor(id), 'sla-escalation');
  });

  it('SLA passed with close: escalated, then closed as timed out on TOP', async () => {
    const id = newWorkOrderId('WO-SLACLOSE');
    await client.start(fullWorkOrder(id, { sla: { within: '2s', onBreach: 'close' } }));
    const final = await client.result(id);
    assert.equal(final.status, 'timed-out');
    assert.ok(final.escalatedAt);
    const calls = callsFor(sandbox, id);
    assert.deepEqual(calls.map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:timed-out!', 'case:2', 'emit:timed-out']);
    assert.equal(calls[5]!.params.work_order_status, 'TIMED_OUT');
    await saveHistory(env, workflowIdFor(id), 'sla-timed-out');
  });

  it('continues as new before the history grows large, carrying progress that arrived meanwhile', async () => {
    const id = newWorkOrderId('WO-CAN');
    await client.start(fullWorkOrder(id, { historyEventLimit: 40 }));
    const nodes = Array.from({ length: 12 }, (_, i) => `node-${i + 1}`);
    for (const [i, node] of nodes.entries()) await client.reportProgress(id, { progressId: `p${i}`, node });
    await client.complete(id, { resultMessage: 'long-lived' });
    const final = await client.result(id);
    assert.equal(final.status, 'completed');
    assert.equal(final.progressReceived, 12);
    const runs = await runIdsOf(env, workflowIdFor(id));
    assert.ok(runs.length >= 2, `continued as new (${runs.length} runs)`);
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), [
      'emit:created',
      'case:1',
      'notify:accepted',
      ...nodes.map((n) => `notify:${n}`),
      'notify:completed!',
      'case:2',
      'emit:completed',
    ]);
    await saveHistory(env, workflowIdFor(id), 'continue-as-new-first-run', runs[0]);
    await saveHistory(env, workflowIdFor(id), 'continue-as-new-last-run', runs.at(-1));
  });

  it('with 30% transient faults (isp errors and HTTP 502) every work order still completes, each call accepted once', async () => {
    sandbox.setFaults({ ispErrorRate: 0.15, http502Rate: 0.15 });
    try {
      const ids = Array.from({ length: 8 }, () => newWorkOrderId('WO-FLAKY'));
      await Promise.all(ids.map((id) => client.start(fullWorkOrder(id))));
      await Promise.all(ids.map((id) => client.reportProgress(id, { progressId: 'p1', node: 'working' })));
      await Promise.all(ids.map((id) => client.complete(id, { resultMessage: 'done despite faults' })));
      const finals = await Promise.all(ids.map((id) => client.result(id)));
      assert.deepEqual(finals.map((f) => f.status), ids.map(() => 'completed'));
      for (const id of ids) {
        assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:working', 'notify:completed!', 'case:2', 'emit:completed']);
      }
      const faulted = sandbox.calls().filter((c) => (c.outcome === 'isp-error' || c.outcome === 'http-502') && ids.some((id) => belongsTo(c, id)));
      assert.ok(faulted.length > 0, 'faults were really injected');
    } finally {
      sandbox.setFaults({});
    }
  });
});
