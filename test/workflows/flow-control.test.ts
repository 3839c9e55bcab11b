import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { eventually, startStack } from '../helpers/stack';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

const BAN_SECONDS = 4;

/**
 * A refused call counts against the app's success rate on TOP. Once TOP has stated a ban, the worker sends
 * nothing the ban covers until it ends: only the calls already on their way when the ban came are refused.
 */
describe('flow control against a TOP ban', async () => {
  // A budget far above the gateway's limit, so the ban really happens and only the gate can prevent more.
  const { sandbox, client } = await startStack({ TOP_CALLS_PER_SECOND: '1000' });

  it('after one ban, the worker sends no call until the ban ends, then finishes every work order', async () => {
    sandbox.setFaults({ rateLimit: { callsPerSecond: 5, banSeconds: BAN_SECONDS, window: 'fixed' } });
    try {
      const first = Array.from({ length: 12 }, () => newWorkOrderId('WO-BAN'));
      await Promise.all(first.map((id) => client.start(fullWorkOrder(id))));
      const banStart = (await eventually(() => sandbox.calls({ outcome: 'rate-limited' })[0], 'the first ban')).receivedAt;
      // Work orders started during the ban: without the gate their first call would go straight into it.
      await sleep(Math.max(0, banStart + 1_500 - Date.now()));
      const during = Array.from({ length: 5 }, () => newWorkOrderId('WO-BAN-LATE'));
      await Promise.all(during.map((id) => client.start(fullWorkOrder(id))));

      const all = [...first, ...during];
      await Promise.all(all.map((id) => client.complete(id, { resultMessage: 'done' })));
      const results = await Promise.all(all.map((id) => client.result(id)));
      assert.deepEqual(new Set(results.map((r) => r.status)), new Set(['completed']), 'no work order failed');

      const calls = sandbox.calls();
      const banEnd = banStart + BAN_SECONDS * 1000;
      // The calls in flight when the ban came are answered at once; a second later nothing more may arrive.
      const sentIntoTheBan = calls.filter((call) => call.receivedAt >= banStart + 1_000 && call.receivedAt < banEnd);
      assert.deepEqual(
        sentIntoTheBan.map((call) => `${call.method} ${call.outcome} at +${call.receivedAt - banStart} ms`),
        [],
        'no call reaches the gateway during the ban',
      );
      assert.ok(calls.some((call) => call.outcome === 'ok' && call.receivedAt >= banEnd), 'calls resumed after the ban');
    } finally {
      sandbox.setFaults({});
    }
  });
});
