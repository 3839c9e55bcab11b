import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PerKeyLimit } from '../../src/client/per-key-limit';
import { eventually, startStack } from '../helpers/stack';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

describe('many reports to one work order at once', async () => {
  // A used-up budget: each report's 店小蜜 call waits for it inside a workflow task, which stays open up to a second.
  const { client } = await startStack({ TOP_CALLS_PER_SECOND: '2' });

  it('are all applied, none refused, when a backend sends more than Temporal holds in flight per workflow', async () => {
    const ids = Array.from({ length: 8 }, () => newWorkOrderId('WO-BURST'));
    for (const id of ids) await client.start(fullWorkOrder(id, { identification: undefined }));
    for (const id of ids) await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), `${id} open`, 60_000);
    // 16 each, all at once: past Temporal's 10 Updates in flight per workflow, were they all sent together.
    const outcomes = await Promise.allSettled(ids.flatMap((id) => Array.from({ length: 16 }, (_, i) => client.reportProgress(id, { progressId: `p${i}`, node: `node-${i}` }))));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String(outcome.reason));
    assert.deepEqual(refused, []);
    for (const id of ids) assert.equal((await client.status(id)).progressReceived, 16);
    for (const id of ids) await client.cancel(id, { reason: 'test over' });
  });
});

describe('PerKeyLimit', () => {
  it('runs at most `limit` tasks per key, the others in the order given, and other keys alongside', async () => {
    const limit = new PerKeyLimit(2);
    const running = new Map<string, number>();
    let most = 0;
    const started: string[] = [];
    const task = (key: string, name: string) =>
      limit.run(key, async () => {
        started.push(name);
        running.set(key, (running.get(key) ?? 0) + 1);
        most = Math.max(most, running.get(key)!);
        await sleep(5);
        running.set(key, running.get(key)! - 1);
        return name;
      });
    const results = await Promise.all([task('a', 'a1'), task('a', 'a2'), task('a', 'a3'), task('b', 'b1'), task('a', 'a4'), task('b', 'b2')]);
    assert.deepEqual(results, ['a1', 'a2', 'a3', 'b1', 'a4', 'b2']);
    assert.equal(most, 2);
    assert.deepEqual(started.filter((name) => name.startsWith('a')), ['a1', 'a2', 'a3', 'a4']);
    // b's tasks did not wait for a's.
    assert.ok(started.indexOf('b1') < started.indexOf('a3'));
  });
});
