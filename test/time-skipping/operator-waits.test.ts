import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually, statusWhere } from '../helpers/stack';
import { startTimeSkippingStack, timeSkippingSkipReason } from '../helpers/time-skipping';
import { belongsTo, callsFor, describeCall, fullWorkOrder, newWorkOrderId, uniqueCase } from '../helpers/work-orders';

/**
 * Waits measured in days and weeks (time-skipping server): a work order that waits for an operator keeps
 * waiting, quietly, for as long as it takes, and TOP calls give up after their hour of retries rather than
 * retrying forever.
 */
describe('waiting for an operator, for days (time-skipping server)', { skip: timeSkippingSkipReason() }, async () => {
  const { env, client, sandbox } = await startTimeSkippingStack();

  /** The operator's retry opens the case; the work order then completes: its final status. */
  const retriedThenCompleted = async (id: string, resultMessage: string) => {
    await client.retry(id);
    await statusWhere(client, id, 'case opened', (view) => view.onTop.case === 'yes');
    await client.complete(id, { resultMessage });
    return (await client.result(id)).status;
  };

  it('a refused step waits 30 days for an operator without calling TOP again; the SLA escalates it meanwhile; the retry carries it through', async () => {
    const id = newWorkOrderId('WO-TS-WAIT');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ businessErrorIds: [caseFault] }); // AliGenius refuses the case: an operator must decide
    try {
      await client.start(fullWorkOrder(id, { identification, sla: { within: '7d', onBreach: 'keep-waiting' } }));
      await statusWhere(client, id, 'failed', (view) => view.status === 'failed');
      await env.sleep('30d');
      const waiting = await statusWhere(client, id, 'escalated, still waiting', (view) => view.escalatedAt !== undefined);
      assert.equal(waiting.lastError?.step, 'open-case');
      assert.match(waiting.waitingFor, /^operator retry or skip of open-case/);
      assert.equal(callsFor(sandbox, id, 'business-error').length, 1, 'one refusal in 30 days: no retries behind the operator’s back');
    } finally {
      sandbox.setFaults({});
    }
    assert.equal(await retriedThenCompleted(id, 'a month late'), 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:completed!', 'case:2', 'emit:completed']);
  });

  it('through a TOP outage of hours a call retries for its hour, backing off to once a minute, then waits for an operator', async () => {
    const id = newWorkOrderId('WO-TS-OUTAGE');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ flakyIds: [caseFault], flakyRate: 1 }); // every call to open the case fails as a transient error
    try {
      const failedCalls = () => sandbox.calls({ outcome: 'isp-error' }).filter((call) => belongsTo(call, id)).length;
      await client.start(fullWorkOrder(id, { identification }));
      await eventually(() => (failedCalls() > 0 ? true : undefined), `${id}: first failed call`);
      await env.sleep('3h');
      const failed = await statusWhere(client, id, 'failed after its hour', (view) => view.status === 'failed');
      assert.equal(failed.lastError?.step, 'open-case');
      const attempts = failedCalls();
      // 1, 2, 4 … 32 s, then a minute apart: about 60 in an hour; none after it.
      assert.ok(attempts >= 50 && attempts <= 70, `${attempts} attempts`);
      await env.sleep('1d');
      assert.equal(failedCalls(), attempts, 'no call while it waits for the operator');
    } finally {
      sandbox.setFaults({});
    }
    assert.equal(await retriedThenCompleted(id, 'after the outage'), 'completed');
  });
});
