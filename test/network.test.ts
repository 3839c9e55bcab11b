/**
 * The fast subset of `npm run chaos`'s network cuts (60 s there): the worker in a network namespace of
 * its own, cut off — packets dropped, nothing reset — from the Temporal server, then from the TOP gateway.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkCut } from './chaos/network';
import { clusterSkipReason } from './helpers/cluster';
import { NetworkHost } from './helpers/netns';
import { installQuietRuntime } from './helpers/temporal';

installQuietRuntime();

describe('network cuts between the worker and what it talks to', { skip: clusterSkipReason() || NetworkHost.skipReason() }, () => {
  it('cut off from Temporal for 20 s: readiness says not-ready, then every work order completes, repeats carry the same keys', async () => {
    const report = await networkCut(12, 'temporal', 20);
    assert.deepEqual(report.failedOrStuck, [], report.notes.join('\n'));
    assert.equal(report.completed, report.workOrders);
    assert.equal(report.repeatsWithDifferentKeys, 0);
    assert.ok(report.notes.some((note) => note.startsWith('readiness said not-ready')), report.notes.join('\n'));
  });

  it('cut off from the TOP gateway for 20 s: nothing reaches it meanwhile, then every work order completes, repeats carry the same keys', async () => {
    const report = await networkCut(12, 'top', 20);
    assert.deepEqual(report.failedOrStuck, [], report.notes.join('\n'));
    assert.equal(report.completed, report.workOrders);
    assert.equal(report.repeatsWithDifferentKeys, 0);
    assert.ok(report.notes.some((note) => /; 0 calls reached the gateway after that$/.test(note)), report.notes.join('\n'));
  });
});
