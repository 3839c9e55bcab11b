import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ProgressRefusedError, workflowIdFor } from '../../src/client';
import { SELLER } from '../../src/work-order/search-attributes';
import { eventually, startStack, statusWhere } from '../helpers/stack';
import { runIdsOf, saveHistory } from '../helpers/histories';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId, uniqueCase } from '../helpers/work-orders';

/**
 * Every state a work order can wait in has a way out that closes on TOP, shown in its status: a step TOP
 * keeps refusing (retry or skip), an opening that cannot finish (cancellation, the SLA), a history that
 * keeps growing while it waits (continue-as-new), more progress than it can carry (a clear refusal).
 */
describe('no dead ends: every wait has a way out', async () => {
  const { sandbox, client, env, config } = await startStack();


  it('a closing step TOP keeps refusing is skipped by an operator with a reason, and the work order closes', async () => {
    const id = newWorkOrderId('WO-SKIP');
    const { identification, caseFault } = uniqueCase();
    await client.start(fullWorkOrder(id, { identification, historyEventLimit: 30 }));
    await statusWhere(client, id, 'open', (view) => view.status === 'open');
    const firstRunId = (await env.client.workflow.getHandle(workflowIdFor(id)).describe()).runId;
    sandbox.setFaults({ businessErrorIds: [caseFault] }); // AliGenius refuses to complete the case
    try {
      await client.complete(id, { resultMessage: 'done' });
      const failed = await statusWhere(client, id, 'failed while closing', (view) => view.status === 'failed');
      assert.equal(failed.lastError?.step, 'close-case');
      assert.match(failed.waitingFor, /^operator retry or skip of close-case/);
      // Cancelling does not end a closing work order: only the operator's retry or skip does.
      await client.cancel(id, { reason: 'trying to get out' });
      await sleep(500);
      assert.equal((await client.status(id)).status, 'failed');
      const answer = await client.skip(id, { reason: 'case completed by hand in the AliGenius console' });
      assert.equal(answer.retried, true);
    } finally {
      sandbox.setFaults({});
    }
    const final = await client.result(id);
    assert.equal(final.status, 'completed');
    const skipped = final.steps.filter((step) => step.outcome === 'skipped');
    assert.deepEqual(
      skipped.map(({ step, skipReason }) => ({ step, skipReason })),
      [{ step: 'close-case', skipReason: 'case completed by hand in the AliGenius console' }],
    );
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:completed!', 'emit:completed']);
    // The run continued as new while the closing step waited (the cancellation's signal lengthened its
    // history), and the next run waited again rather than sending the refused call unasked.
    assert.deepEqual(callsFor(sandbox, id, 'business-error').map(describeCall), ['case:2']);
    assert.notEqual((await env.client.workflow.getHandle(workflowIdFor(id)).describe()).runId, firstRunId, 'continued as new');
    await saveHistory(env, workflowIdFor(id), 'closing-step-skipped');
  });

  it('a skip or retry for a work order that waits for no operator is not sent', async () => {
    const id = newWorkOrderId('WO-NOSKIP');
    await client.start(fullWorkOrder(id));
    await statusWhere(client, id, 'open', (view) => view.status === 'open');
    const answer = await client.skip(id, { reason: 'nothing to skip' });
    assert.deepEqual(answer, { workOrderId: id, retried: false, status: 'open', reason: `work order ${id} is open, not waiting for an operator` });
    await client.complete(id, { resultMessage: 'done' });
    assert.equal((await client.result(id)).steps.some((step) => step.outcome === 'skipped'), false);
  });

  it('a cancellation while opening cuts the call short; the case whose opening is uncertain is sent again, then completed', async () => {
    const id = newWorkOrderId('WO-CANCEL-OPENING');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ flakyIds: [caseFault], flakyRate: 1 }); // opening the case fails transiently, again and again
    try {
      await client.start(fullWorkOrder(id, { identification }));
      await eventually(() => (sandbox.calls({ outcome: 'isp-error' }).some((call) => JSON.stringify(call.params).includes(caseFault)) ? true : undefined), 'case opening retried');
      const opening = await client.status(id);
      assert.equal(opening.status, 'opening');
      await client.cancel(id, { reason: '买家撤销申请' });
      await statusWhere(client, id, 'closing', (view) => view.status === 'closing' || view.status === 'cancelled');
    } finally {
      sandbox.setFaults({});
    }
    const final = await client.result(id);
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(final.onTop, { createdEvent: 'yes', case: 'yes' });
    // The case may or may not have opened: it is opened again (same outer_case_id, creation time), then completed.
    const calls = callsFor(sandbox, id);
    assert.deepEqual(calls.map(describeCall), ['emit:created', 'notify:cancelled!', 'case:1', 'case:2', 'emit:cancelled']);
    const [created, , reopened, completed] = calls.map((call) => call.params as Record<string, any>);
    assert.equal(reopened!.param.outer_case_id, id);
    assert.equal(reopened!.param.occur_time, Math.floor(created!.ts / 1000), 'sent again exactly: the creation time');
    assert.ok(completed!.param.occur_time >= reopened!.param.occur_time);
    await saveHistory(env, workflowIdFor(id), 'cancelled-while-opening');
  });

  it('the SLA escalates a work order while it opens, whatever its calls are waiting for', async () => {
    const id = newWorkOrderId('WO-SLA-OPENING');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ flakyIds: [caseFault], flakyRate: 1 });
    try {
      await client.start(fullWorkOrder(id, { identification, sla: { within: '1s' } }));
      const escalated = await statusWhere(client, id, 'escalated while opening', (view) => view.status === 'escalated');
      assert.match(escalated.waitingFor, /^TOP: open-case/);
      assert.equal(escalated.onTop.case, 'no');
    } finally {
      sandbox.setFaults({});
    }
    await statusWhere(client, id, 'opened, still escalated', (view) => view.onTop.case === 'yes' && view.status === 'escalated');
    await client.complete(id, { resultMessage: 'late' });
    assert.equal((await client.result(id)).status, 'completed');
  });

  it('the SLA escalates a work order waiting for an operator, and `onBreach: close` ends the wait and closes on TOP', async () => {
    const id = newWorkOrderId('WO-SLA-FAILED');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ businessErrorIds: [caseFault] }); // AliGenius refuses the case: the work order waits for an operator
    try {
      await client.start(fullWorkOrder(id, { identification, sla: { within: '3s', onBreach: 'close' } }));
      const failed = await statusWhere(client, id, 'failed', (view) => view.status === 'failed');
      assert.equal(failed.lastError?.step, 'open-case');
      const final = await client.result(id);
      assert.equal(final.status, 'timed-out');
      assert.ok(final.escalatedAt, 'escalated while it waited');
      assert.deepEqual(final.onTop, { createdEvent: 'yes', case: 'no' }, 'TOP refused the case: nothing to complete');
    } finally {
      sandbox.setFaults({});
    }
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'notify:timed-out!', 'emit:timed-out']);
    await saveHistory(env, workflowIdFor(id), 'sla-close-while-failed');
  });

  it('a work order waiting for an operator continues as new as reports arrive, waits again without calling TOP, and loses nothing', async () => {
    const id = newWorkOrderId('WO-CAN-FAILED');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ businessErrorIds: [caseFault] });
    const nodes = Array.from({ length: 15 }, (_, i) => `node-${i + 1}`);
    try {
      await client.start(fullWorkOrder(id, { identification, historyEventLimit: 40 }));
      await statusWhere(client, id, 'failed', (view) => view.status === 'failed');
      for (const [i, node] of nodes.entries()) await client.reportProgress(id, { progressId: `p${i}`, node });
      const waiting = await statusWhere(client, id, 'all reports queued', (view) => view.progressReceived === nodes.length);
      assert.equal(waiting.status, 'failed');
      assert.equal(waiting.progressPending, nodes.length);
      assert.ok((await runIdsOf(env, workflowIdFor(id))).length >= 2, 'continued as new while it waited for an operator');
      assert.equal(callsFor(sandbox, id, 'business-error').length, 1, 'each continued run waited again: no call TOP was not asked for');
    } finally {
      sandbox.setFaults({});
    }
    await client.retry(id);
    await client.complete(id, { resultMessage: 'carried through' });
    const final = await client.result(id);
    assert.equal(final.status, 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), [
      'emit:created',
      'case:1',
      'notify:accepted',
      ...nodes.map((node) => `notify:${node}`),
      'notify:completed!',
      'case:2',
      'emit:completed',
    ]);
    const runs = await runIdsOf(env, workflowIdFor(id));
    await saveHistory(env, workflowIdFor(id), 'continued-while-failed-first-run', runs[0]);
    await saveHistory(env, workflowIdFor(id), 'continued-while-failed-last-run', runs.at(-1));
  });

  it('more progress than the work order can carry is refused with a clear error, never dropped; it is taken once the queue drains', async () => {
    const id = newWorkOrderId('WO-FULL');
    const { identification, caseFault } = uniqueCase();
    sandbox.setFaults({ businessErrorIds: [caseFault] }); // nothing is sent while the case waits for an operator
    const data = { blob: 'x'.repeat(8 * 1024 - 20) };
    let refused: ProgressRefusedError | undefined;
    let accepted = 0;
    try {
      await client.start(fullWorkOrder(id, { identification }));
      await statusWhere(client, id, 'failed', (view) => view.status === 'failed');
      for (let i = 0; i < 200 && !refused; i++) {
        try {
          await client.reportProgress(id, { progressId: `p${i}`, node: `node-${i}`, data });
          accepted += 1;
        } catch (error) {
          if (!(error instanceof ProgressRefusedError)) throw error;
          refused = error;
        }
      }
    } finally {
      sandbox.setFaults({});
    }
    assert.ok(refused, 'refused once the queue is full');
    assert.equal(refused.reason, 'queue-full');
    assert.match(refused.message, /already holds \d+ progress reports .* not yet sent to 店小蜜 .*send this one again later/);
    assert.ok(accepted > 100, `${accepted} reports of 8 KiB queued first`);
    assert.equal((await client.status(id)).progressReceived, accepted, 'the refused report was not recorded');
    // A signal cannot be refused to its sender: past the bound it is counted and logged, never queued.
    await client.sendProgress(id, { progressId: 'by-signal', node: 'over-the-bound', data });
    await statusWhere(client, id, 'signal counted as rejected', (view) => view.rejectedMessages === 1);
    await client.retry(id);
    await statusWhere(client, id, 'queue drained', (view) => view.progressPending === 0 && view.status === 'open');
    assert.deepEqual(await client.reportProgress(id, { progressId: `p${accepted}`, node: 'again' }), { accepted: true, progressReceived: accepted + 1 });
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    const notified = callsFor(sandbox, id).map(describeCall).filter((call) => call.startsWith('notify:node-') || call === 'notify:again');
    assert.equal(notified.length, accepted + 1, 'every accepted report reached 店小蜜 once');
    assert.equal(callsFor(sandbox, id).filter((call) => describeCall(call) === 'notify:over-the-bound').length, 0);
  });

  it('a progress id resent long after, across many continued runs, is recognised for the work order’s whole life', async () => {
    const id = newWorkOrderId('WO-DEDUP');
    await client.start(fullWorkOrder(id, { alime: undefined, identification: undefined, historyEventLimit: 500 }));
    await statusWhere(client, id, 'open', (view) => view.status === 'open');
    const count = 1_200;
    for (let from = 0; from < count; from += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => client.sendProgress(id, { progressId: `p${from + i}`, node: `node-${from + i}` })));
      // Batches the work order can queue at once: past 1,000 waiting reports a signal is refused (and counted).
      await statusWhere(client, id, `reports up to ${from + 200} taken`, (view) => view.progressReceived === from + 200 && view.progressPending === 0);
    }
    await statusWhere(client, id, 'every report taken', (view) => view.progressReceived === count && view.progressPending === 0);
    assert.ok((await runIdsOf(env, workflowIdFor(id))).length >= 3, 'continued as new several times');
    assert.equal((await client.status(id)).rejectedMessages, 0);
    assert.deepEqual(await client.reportProgress(id, { progressId: 'p0', node: 'node-0' }), { accepted: false, progressReceived: count });
    await client.complete(id, { resultMessage: 'done' });
    assert.equal((await client.result(id)).progressReceived, count);
  });

  it('a work order started without search attributes (another SDK, the CLI) sets all of them itself, the seller included', async () => {
    const input = fullWorkOrder(newWorkOrderId('WO-BARE'), { seller: 'seller-b' });
    const workflowId = workflowIdFor(input.workOrderId);
    await env.client.workflow.start('workOrderWorkflow', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [input] });
    const query = `WorkflowId = "${workflowId}" AND Seller = "seller-b" AND WorkOrderId = "${input.workOrderId}" AND BizOrderId = "${input.bizOrderId}"`;
    await eventually(async () => ((await env.client.workflow.count(query)).count === 1 ? true : undefined), 'found by seller');
    const description = await env.client.workflow.getHandle(workflowId).describe();
    assert.equal(description.typedSearchAttributes.get(SELLER), 'seller-b');
    await client.complete(input.workOrderId, { resultMessage: 'done' });
    await client.result(input.workOrderId);
  });
});
