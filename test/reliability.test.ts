/** The fast subset of `npm run chaos`: the same scenarios, fewer work orders. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installQuietRuntime } from './helpers/temporal';
import { refusals, serverRestart, workerCrashes, type ChaosReport } from './chaos/scenarios';

installQuietRuntime();

const assertClean = (report: ChaosReport) => {
  assert.deepEqual(report.failedOrStuck, [], report.notes.join('\n'));
  assert.equal(report.completed, report.workOrders);
  assert.equal(report.repeatsWithDifferentKeys, 0, 'every repeated TOP call carries the first call’s idempotency keys');
};

describe('nothing lost when processes die', () => {
  it('kill -9 of the worker, twice, while 12 work orders run: all complete, repeats carry the same keys', async () => {
    assertClean(await workerCrashes(12, 2));
  });

  it('kill -9 of the Temporal server mid-run, restarted on its database: all complete', async () => {
    assertClean(await serverRestart(8));
  });

  it('business refusals stop after one call each and complete after an operator retry', async () => {
    assertClean(await refusals(4));
  });
});
