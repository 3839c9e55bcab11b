import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuotaUsers } from '../../src/activities/quota-users';

describe('which sellers use the quota most, in bounded memory', () => {
  it('finds the heavy sellers among thousands with a few dozen counters, each count over by at most its error', () => {
    let now = 0;
    const users = new QuotaUsers(32, 60_000, () => now);
    const truth = new Map<string, number>();
    const call = (seller: string) => {
      users.record(seller, 5);
      truth.set(seller, (truth.get(seller) ?? 0) + 1);
    };
    // 3,000 sellers with one call each, interleaved with two heavy sellers.
    for (let i = 0; i < 3_000; i++) {
      call(`seller-${i}`);
      if (i % 3 === 0) call('big-shop');
      if (i % 10 === 0) call('mid-shop');
      now += 10;
    }
    const report = users.report(3);
    assert.deepEqual(
      report.sellers.slice(0, 2).map((user) => user.seller),
      ['big-shop', 'mid-shop'],
    );
    assert.equal(report.calls, [...truth.values()].reduce((a, b) => a + b, 0));
    for (const user of report.sellers) {
      const actual = truth.get(user.seller)!;
      assert.ok(user.calls >= actual && user.calls - user.error <= actual, `${user.seller}: counted ${user.calls} (error ${user.error}), took ${actual}`);
    }
    assert.ok(users.report(10_000).sellers.length <= 2 * 32, 'no more counters than two windows of capacity');
    assert.equal(report.sellers[0]!.sharePercent, Math.round((1000 * 1_000) / report.calls) / 10);
  });

  it('reports the last one to two windows, and forgets what is older', () => {
    let now = 0;
    const users = new QuotaUsers(8, 1_000, () => now);
    users.record('early', 100);
    now = 1_500;
    users.record('late', 300);
    assert.deepEqual(
      users.report().sellers.map((user) => [user.seller, user.meanQueueWaitMs]),
      [
        ['early', 100],
        ['late', 300],
      ],
    );
    now = 2_100;
    assert.deepEqual(
      users.report().sellers.map((user) => user.seller),
      ['late'],
    );
    now = 10_000;
    assert.deepEqual(users.report(), { sinceMs: 0, calls: 0, sellers: [] });
  });
});
