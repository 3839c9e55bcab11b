import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/client';
import { defineWorkOrderSchemas, parseOrThrow } from '../../src/work-order/schemas';
import { WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from '../../src/work-order/search-attributes';
import { cliFor } from '../helpers/cli';
import { DEFAULT_SESSIONS, eventually, startStack } from '../helpers/stack';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/**
 * A seller's session key expires: every work order of that seller that reaches a TOP call fails with an
 * authorization error and waits. After the key is refreshed, one command resumes them all.
 */
describe('batch operator retry after a seller re-authorizes', async () => {
  // The worker's own resume of re-authorized sellers (tested in test/operations/metrics) would race the
  // operator's commands here: a key written for seller-d makes it retry seller-d's failed work order on its
  // own, an attempt these assertions do not expect. Its first round runs at start-up, before any key changes.
  const stack = await startStack({ TOP_SESSIONS_CHECK_INTERVAL_MS: String(24 * 3_600_000) });
  const { client, env, sandbox, config, writeSessions } = stack;
  const cli = cliFor(stack);
  /** The work order's result; one that never comes fails the test with the work order's state, not a silent hang. */
  const resultOf = async (id: string) => {
    const timer = AbortSignal.timeout(60_000);
    const timedOut = new Promise<never>((_, reject) =>
      timer.addEventListener('abort', () => void client.status(id).then((view) => reject(new Error(`${id} has no result after 60 s: ${JSON.stringify(view)}`)), reject)),
    );
    return await Promise.race([client.result(id), timedOut]);
  };

  it('work-order retry --status failed --seller S resumes every failed work order of S, and only those', async () => {
    sandbox.setSession('expired-key-c', { seller: 'seller-c', expired: true });
    sandbox.setSession('expired-key-d', { seller: 'seller-d', expired: true });
    writeSessions({ ...DEFAULT_SESSIONS, 'seller-c': 'expired-key-c', 'seller-d': 'expired-key-d' });

    const ofC = [newWorkOrderId('WO-C'), newWorkOrderId('WO-C')];
    for (const id of ofC) await client.start(fullWorkOrder(id, { seller: 'seller-c' }));
    // Started the way a client did before the Seller search attribute existed.
    const olderOfC = newWorkOrderId('WO-C-OLD');
    await env.client.workflow.start('workOrderWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIdFor(olderOfC),
      args: [parseOrThrow(defineWorkOrderSchemas().workOrderInput, fullWorkOrder(olderOfC, { seller: 'seller-c' }), 'work order')],
      typedSearchAttributes: [
        { key: WORK_ORDER_ID, value: olderOfC },
        { key: WORK_ORDER_STATUS, value: 'opening' },
        { key: WORK_ORDER_NODE, value: 'accepted' },
      ],
    });
    const ofD = newWorkOrderId('WO-D');
    await client.start(fullWorkOrder(ofD, { seller: 'seller-d' }));
    const failedOfC = [...ofC, olderOfC];

    await eventually(async () => {
      const failed = (await client.list({ status: 'failed', limit: 1000 })).map((row) => row.workOrderId);
      return [...failedOfC, ofD].every((id) => failed.includes(id)) ? true : undefined;
    }, 'all four failed and visible');
    for (const id of [...failedOfC, ofD]) assert.equal((await client.status(id)).lastError?.type, 'TopError:authorization');

    // The seller re-authorizes: the refreshed key goes into the sessions file.
    sandbox.setSession('fresh-key-c', { seller: 'seller-c' });
    writeSessions({ ...DEFAULT_SESSIONS, 'seller-c': 'fresh-key-c', 'seller-d': 'expired-key-d' });

    const dryRun = await cli(['retry', '--status', 'failed', '--seller', 'seller-c', '--dry-run']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stderr, /^3 failed work orders match \(dry run/);
    const planned = JSON.parse(dryRun.stdout);
    assert.deepEqual([...planned.workOrderIds].sort(), [...failedOfC].sort());
    assert.equal(planned.resumed, 0);
    for (const id of failedOfC) assert.equal((await client.status(id)).status, 'failed', 'a dry run signals nothing');

    const run = await cli(['retry', '--status', 'failed', '--seller', 'seller-c']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^3 failed work orders match\n/);
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.matched, 3);
    assert.equal(answer.resumed, 3);
    assert.deepEqual(answer.notResumed, []);

    for (const id of failedOfC) {
      await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), `${id} open again`);
      await client.complete(id, { resultMessage: 're-authorized' });
      assert.equal((await resultOf(id)).status, 'completed');
    }
    assert.equal((await client.status(ofD)).status, 'failed', "another seller's work order is left alone");

    // The same from the client, for everyone: seller-d is still expired, so it is resumed and fails again.
    const everyone = await client.retryFailed();
    assert.ok(everyone.workOrderIds.includes(ofD));
    assert.ok(everyone.workOrderIds.every((id) => !failedOfC.includes(id)));
    // Its retried call refused again before it is cancelled (a cancellation that cut the call short would
    // make its outcome unknown, to be sent again while closing, with the same expired key).
    const refusals = async () => (await client.status(ofD)).steps.filter((step) => step.outcome === 'failed').length;
    await eventually(async () => ((await refusals()) >= 2 ? true : undefined), `${ofD} refused again`);
    await client.cancel(ofD, { reason: 'seller left' });
    assert.equal((await resultOf(ofD)).status, 'cancelled');
  });

  it('refuses a status other than failed, and an id together with a filter', async () => {
    const wrongStatus = await cli(['retry', '--status', 'open']);
    assert.equal(wrongStatus.code, 2);
    assert.match(wrongStatus.stderr, /only "failed"/);
    const both = await cli(['retry', 'WO-1', '--status', 'failed']);
    assert.equal(both.code, 2);
    const quoted = await cli(['retry', '--status', 'failed', '--seller', 'x" OR 1=1']);
    assert.equal(quoted.code, 2);
    assert.match(quoted.stderr, /seller: must be 1-128 characters without quotes/);
  });
});
