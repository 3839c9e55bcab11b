/**
 * What a backend on another Temporal SDK may send by the contract, and a little more: every work order is
 * either refused with a message naming the field, or closes on TOP; the worker keeps running throughout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { InvalidInputError, workflowIdFor } from '../../src/client';
import { OPERATE_TIPS_MAX } from '../../src/top';
import { SHORTER_RUNS } from '../../src/workflows/patches';
import { eventsOf, saveHistory } from '../helpers/histories';
import { eventually, startStack } from '../helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

describe('hostile input: refused naming the field, or closed on TOP', async () => {
  const { client, env, config, sandbox } = await startStack();
  /** Starts as a backend without our client would: the raw Temporal client, the published names. */
  const startRaw = (args: Record<string, unknown>) =>
    env.client.workflow.start('workOrderWorkflow', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: workflowIdFor(String(args.workOrderId)), args: [args] });
  const refusedFor = async (handle: Awaited<ReturnType<typeof startRaw>>, field: RegExp) =>
    await assert.rejects(handle.result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure, String(error));
      assert.equal(error.cause.type, 'InvalidInputError');
      assert.match(error.cause.message, field);
      return true;
    });

  it('a seller with a lone UTF-16 surrogate is refused, naming it; the worker goes on with the next work order', async () => {
    const bad = newWorkOrderId('WO-SURROGATE');
    // 1.0.0 put it in the call's fairness key, which Core could not decode: the worker stopped for good.
    await refusedFor(await startRaw({ workOrderId: bad, seller: 'shop-\ud800' }), /seller: must be well-formed Unicode/);
    await saveHistory(env, workflowIdFor(bad), 'strict-input-start-refused');
    await assert.rejects(client.start({ workOrderId: bad, seller: 'shop-\udfff' }), (error: unknown) => error instanceof InvalidInputError && /seller: must be well-formed/.test(error.message));
    assert.deepEqual(callsFor(sandbox, bad, undefined), []);
    const next = newWorkOrderId('WO-AFTER');
    await client.start(fullWorkOrder(next));
    await client.complete(next, { resultMessage: 'done' });
    assert.equal((await client.result(next)).status, 'completed');
  });

  it('an SLA that is no date ("9999999999 weeks") is refused at start, naming it, instead of failing every workflow task', async () => {
    const id = newWorkOrderId('WO-SLA');
    await refusedFor(await startRaw({ workOrderId: id, seller: 'seller-a', sla: { within: '9999999999 weeks' } }), /sla\.within: must be from 1 second to 365 days/);
    await assert.rejects(client.start({ workOrderId: id, seller: 'seller-a', sla: { within: Number.MAX_SAFE_INTEGER } }), /sla\.within/);
    // Values on which 1.0.0's own checks threw (a refinement running after its type check failed), failing
    // every workflow task as surely as an exception from the workflow.
    await refusedFor(await startRaw({ workOrderId: `${id}-word`, seller: 'seller-a', sla: { within: 'soon' } }), /sla\.within: must be a duration/);
    await refusedFor(await startRaw({ workOrderId: `${id}-id`, seller: 'seller-a', identification: { detailOrderId: '!', refundId: '1' } }), /identification\.detailOrderId: must be a positive decimal id/);
  });

  it('ill-formed text in a signal or Update is refused, the work order goes on and closes on TOP', async () => {
    const id = newWorkOrderId('WO-SIG');
    const handle = await startRaw({ workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` } });
    await assert.rejects(handle.executeUpdate('reportProgress', { args: [{ progressId: 'p1', node: 'n\ud800' }] }), (error: Error) => /node: must be well-formed/.test(String(error.cause)));
    await handle.signal('progress', { progressId: 'p2', node: 'x\udc00' });
    await handle.signal('complete', { resultMessage: 'done \ud800' });
    await handle.executeUpdate('reportProgress', { args: [{ progressId: 'p3', node: 'inspecting' }] });
    await handle.signal('complete', { resultMessage: 'done' });
    const final = (await handle.result()) as { status: string; rejectedMessages: number };
    assert.equal(final.status, 'completed');
    assert.equal(final.rejectedMessages, 2);
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'notify:created', 'notify:inspecting', 'notify:completed!', 'emit:completed']);
    await saveHistory(env, workflowIdFor(id), 'strict-input-signal-refused');
  });

  it('a work order whose messages pass today’s rules records no strict-input marker: only refused input pays for the patch', async () => {
    const id = newWorkOrderId('WO-NO-MARKER');
    await client.start(fullWorkOrder(id));
    await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    const patches = (await eventsOf(env, workflowIdFor(id))).filter((event) => event.startsWith('patch'));
    assert.deepEqual(patches, [`patch ${SHORTER_RUNS}`]); // the report path's, not strict-input
  });

  it('the longest texts the client accepts still close the identification case on TOP, shortened to fit', async () => {
    const completed = newWorkOrderId('WO-LONG-DONE');
    const cancelled = newWorkOrderId('WO-LONG-CANCEL');
    await client.start(fullWorkOrder(completed));
    await client.start(fullWorkOrder(cancelled));
    // Both opened on TOP, so both have a case to close.
    for (const id of [completed, cancelled]) await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), `${id} open`);
    await client.complete(completed, { resultMessage: '鉴'.repeat(2000) });
    await client.cancel(cancelled, { reason: 'r'.repeat(500) });
    for (const id of [completed, cancelled]) {
      assert.equal((await client.result(id)).status, id === completed ? 'completed' : 'cancelled');
      const closing = callsFor(sandbox, id).find((call) => describeCall(call) === 'case:2');
      assert.ok(closing, `${id}: the case was closed on TOP`);
      const tips = (closing.params.param as { operate_tips: string }).operate_tips;
      assert.equal(tips.length, OPERATE_TIPS_MAX);
      assert.ok(tips.endsWith('…'));
    }
  });
});
