import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkOrderClosedError, WorkOrderNotFoundError, workflowIdFor } from '../../src/client';
import { cliFor } from '../helpers/cli';
import { eventually, startStack } from '../helpers/stack';
import { callsFor, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/** What an at-least-once backend queue does: the same command again, after the work order has closed. */
describe('commands for closed, closing and unknown work orders', async () => {
  const stack = await startStack();
  const { client, env, sandbox } = stack;
  const cli = cliFor(stack);
  const historyLength = async (id: string) => (await env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory()).events?.length;
  const signalsIn = async (id: string) =>
    (await env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory()).events
      ?.map((event) => event.workflowExecutionSignaledEventAttributes?.signalName)
      .filter((name) => name !== undefined);

  const completed = async (): Promise<string> => {
    const id = newWorkOrderId('WO-CLOSED');
    await client.start(fullWorkOrder(id));
    await client.complete(id, { resultMessage: 'done' });
    assert.equal((await client.result(id)).status, 'completed');
    return id;
  };

  it('complete or cancel of a closed work order succeeds, sends nothing, and says how it closed', async () => {
    const id = await completed();
    const calls = callsFor(stack.sandbox, id).length;
    const events = await historyLength(id);

    assert.deepEqual(await client.complete(id, { resultMessage: 'done again' }), { workOrderId: id, alreadyClosed: true, status: 'completed' });
    assert.deepEqual(await client.cancel(id, { reason: 'late cancel' }), { workOrderId: id, alreadyClosed: true, status: 'completed' });
    const again = await cli(['complete', id], JSON.stringify({ resultMessage: 'from a retrying queue' }));
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { workOrderId: id, alreadyClosed: true, status: 'completed' });

    assert.equal(await historyLength(id), events, 'nothing reached the workflow');
    assert.equal(callsFor(sandbox, id).length, calls, 'nothing reached TOP');
  });

  it('a cancelled or terminated work order answers with that final status', async () => {
    const cancelledId = newWorkOrderId('WO-CANCELLED');
    await client.start(fullWorkOrder(cancelledId));
    assert.deepEqual(await client.cancel(cancelledId, { reason: 'buyer withdrew' }), { workOrderId: cancelledId, alreadyClosed: false });
    await client.result(cancelledId);
    assert.deepEqual(await client.complete(cancelledId, { resultMessage: 'too late' }), { workOrderId: cancelledId, alreadyClosed: true, status: 'cancelled' });

    const terminatedId = newWorkOrderId('WO-TERMINATED');
    await client.start(fullWorkOrder(terminatedId));
    await env.client.workflow.getHandle(workflowIdFor(terminatedId)).terminate('operator removed it');
    assert.deepEqual(await client.cancel(terminatedId, { reason: 'cleanup' }), { workOrderId: terminatedId, alreadyClosed: true, status: 'terminated' });
  });

  it('progress for a closed work order is refused, naming its state, with its own exit code', async () => {
    const id = await completed();
    await assert.rejects(client.reportProgress(id, { progressId: 'late', node: 'inspecting' }), (error: unknown) => {
      assert.ok(error instanceof WorkOrderClosedError);
      assert.equal(error.status, 'completed');
      assert.match(error.message, /is closed \(completed\); progress is no longer accepted/);
      return true;
    });
    await assert.rejects(client.sendProgress(id, { progressId: 'late-signal', node: 'inspecting' }), WorkOrderClosedError);
    const refused = await cli(['progress', id], JSON.stringify({ progressId: 'late-cli', node: 'inspecting' }));
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /closed \(completed\)/);
  });

  it('progress while the work order is closing is refused as closing, before it reaches history', async () => {
    const id = newWorkOrderId('WO-CLOSING');
    const refundId = '8123456789012345678';
    // No 店小蜜, so the case is the first thing closed; a refusal of this refund keeps the work order closing.
    await client.start(fullWorkOrder(id, { alime: undefined, identification: { detailOrderId: '194467217119131', refundId } }));
    await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), 'open');
    sandbox.setFaults({ businessErrorIds: [refundId] });
    try {
      await client.complete(id, { resultMessage: 'done' });
      await eventually(async () => ((await client.status(id)).lastError?.step === 'close-case' ? true : undefined), 'closing step failed');
      await assert.rejects(client.reportProgress(id, { progressId: 'during-close', node: 'inspecting' }), (error: unknown) => {
        assert.ok(error instanceof WorkOrderClosedError);
        assert.equal(error.status, 'closing');
        return true;
      });
    } finally {
      sandbox.setFaults({});
    }
    assert.deepEqual(await client.retry(id), { workOrderId: id, retried: true, status: 'failed' });
    assert.equal((await client.result(id)).status, 'completed');
  });

  it('a work order that never existed is not found, everywhere, with its own exit code', async () => {
    const id = 'WO-never-started';
    await assert.rejects(client.complete(id, { resultMessage: 'x' }), WorkOrderNotFoundError);
    await assert.rejects(client.cancel(id, { reason: 'x' }), WorkOrderNotFoundError);
    await assert.rejects(client.reportProgress(id, { progressId: 'p', node: 'n' }), WorkOrderNotFoundError);
    await assert.rejects(client.retry(id), WorkOrderNotFoundError);
    await assert.rejects(client.status(id), WorkOrderNotFoundError);
    for (const args of [['status', id], ['complete', id], ['retry', id]]) {
      const run = await cli(args, JSON.stringify({ resultMessage: 'x' }));
      assert.equal(run.code, 3, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /work order WO-never-started not found/);
    }
  });

  it('retry of a work order that is not waiting for an operator answers why and signals nothing', async () => {
    const id = newWorkOrderId('WO-NORETRY');
    await client.start(fullWorkOrder(id));
    await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), 'open');
    assert.deepEqual(await client.retry(id), { workOrderId: id, retried: false, status: 'open', reason: `work order ${id} is open, not waiting for an operator` });
    const run = await cli(['retry', id]);
    assert.equal(run.code, 0);
    assert.equal(JSON.parse(run.stdout).retried, false);
    // While it is open: counted by status (one query per status), and by node when asked to read them all.
    type Count = { status: string; node?: string; count: number };
    const counted = async (args: string[], match: (count: Count) => boolean) => ((JSON.parse((await cli(args)).stdout) as Count[]).some((c) => match(c) && c.count >= 1) ? true : undefined);
    await eventually(() => counted(['count'], (c) => c.status === 'open'), 'work-order count shows it open');
    await eventually(() => counted(['count', '--by-node'], (c) => c.status === 'open' && c.node === 'accepted'), 'work-order count --by-node shows it at its node');
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    assert.deepEqual((await client.retry(id)).status, 'completed');
    assert.deepEqual(await signalsIn(id), ['complete'], 'no retry signal was ever sent');
  });

  it('help: --help, -h, help and <command> --help print usage and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const run = await cli(args);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /usage: work-order <command>/);
      assert.match(run.stdout, /retry ID \| --status failed \[--seller S\] \[--dry-run\]/);
      assert.match(run.stdout, /3 work order not found/);
    }
    for (const args of [['progress', '--help'], ['help', 'progress']]) {
      const run = await cli(args);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /work-order progress ID \[FILE\|-\]/);
      assert.doesNotMatch(run.stdout, /work-order start/);
    }
    const wrongOption = await cli(['list', '--colour', 'red']);
    assert.equal(wrongOption.code, 2);
    assert.match(wrongOption.stderr, /--colour/);
  });
});
