import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/client';
import { eventually, statusWhere } from '../helpers/stack';
import { startTimeSkippingStack, timeSkippingSkipReason } from '../helpers/time-skipping';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/**
 * SLAs at the lengths sellers give them (hours, days), on Temporal's time-skipping test server: the real-server
 * tests use SLAs of seconds, which cannot tell a deadline kept across runs from one restarted with each run.
 */
describe('SLAs at their real lengths (time-skipping server)', { skip: timeSkippingSkipReason() }, async () => {
  const { env, client, sandbox } = await startTimeSkippingStack();

  const calls = async (id: string, count: number) => await eventually(() => (callsFor(sandbox, id).length >= count ? callsFor(sandbox, id).map(describeCall) : undefined), `${id}: ${count} TOP calls`);
  const statusBecomes = async (id: string, wanted: string) => await statusWhere(client, id, wanted, (view) => view.status === wanted);

  it('a 48-hour SLA escalates at 48 hours, not before; the work order then completes normally', async () => {
    const id = newWorkOrderId('WO-TS-SLA');
    await client.start(fullWorkOrder(id, { sla: { within: '48h', onBreach: 'keep-waiting' } }));
    await calls(id, 3);
    await env.sleep('47h');
    assert.equal((await client.status(id)).status, 'open');
    await env.sleep('61m');
    const escalated = await statusBecomes(id, 'escalated');
    const late = Date.parse(escalated.escalatedAt!) - Date.parse(escalated.slaDeadline!);
    assert.ok(late >= 0 && late < 60_000, `escalated ${late} ms after the deadline`);
    await client.complete(id, { resultMessage: 'late but done' });
    assert.equal((await client.result(id)).status, 'completed');
    assert.deepEqual(await calls(id, 6), ['emit:created', 'case:1', 'notify:accepted', 'notify:completed!', 'case:2', 'emit:completed']);
  });

  it('the deadline is the work order’s, not its run’s: a 3-day SLA closes at day 3 after the work order continued as new', async () => {
    const id = newWorkOrderId('WO-TS-SLA-CAN');
    await client.start(fullWorkOrder(id, { sla: { within: '3d', onBreach: 'close' }, historyEventLimit: 40 }));
    await calls(id, 3);
    const handle = env.client.workflow.getHandle(workflowIdFor(id));
    const firstRun = (await handle.describe()).runId;
    const nodes: string[] = [];
    for (const day of [1, 2]) {
      await env.sleep('1d');
      for (let i = 0; i < 6; i++) {
        nodes.push(`day-${day}-node-${i}`);
        await client.reportProgress(id, { progressId: `d${day}-${i}`, node: nodes.at(-1)! });
      }
      await calls(id, 3 + nodes.length);
    }
    assert.notEqual((await handle.describe()).runId, firstRun, 'continued as new');
    await env.sleep('23h');
    assert.equal((await client.status(id)).status, 'open', 'at day 2 + 23 h the SLA has not passed');
    await env.sleep('61m');
    await statusBecomes(id, 'timed-out'); // bounded: a deadline restarted with each run would never come here
    const final = await client.result(id);
    assert.equal(final.status, 'timed-out');
    assert.deepEqual(await calls(id, 3 + nodes.length + 3), ['emit:created', 'case:1', 'notify:accepted', ...nodes.map((n) => `notify:${n}`), 'notify:timed-out!', 'case:2', 'emit:timed-out']);
  });
});
