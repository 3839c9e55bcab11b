import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshotWorkflowThread } from '../../dev/workflow-heap';
import { bundleWorkOrderWorkflows } from '../../src/workflow-bundle';
import { eventually, startStack } from '../helpers/stack';
import { newWorkOrderId } from '../helpers/work-orders';

/**
 * Guards for worker memory that hold on a noisy machine: counts, not sizes or times. The sizes are in the
 * many-open and workflow-heap benchmarks.
 */
describe('worker memory stops at the workflow cache', async () => {
  const CACHE = 5;
  const { client } = await startStack({ WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) });

  it('keeps no evicted work order in the workflow thread', async () => {
    const ids = Array.from({ length: 5 * CACHE }, () => newWorkOrderId('WO-MEM'));
    for (const id of ids) await client.start({ workOrderId: id, seller: 'seller-a' });
    await eventually(async () => ((await client.list({ status: 'open', limit: 1000 })).filter((row) => ids.includes(row.workOrderId)).length === ids.length ? true : undefined), 'all open');
    const heap = await snapshotWorkflowThread();
    const live = heap.get('object WorkOrder')?.count ?? 0;
    assert.ok(live >= 1, 'the snapshot sees the cached work orders');
    assert.ok(live <= CACHE, `${live} work orders live in the workflow thread with a cache of ${CACHE}`);
    // zod is evaluated once for the thread (preloaded), not once per cached work order.
    const zodTypeClasses = heap.get('closure ZodType')?.count ?? 0;
    assert.ok(zodTypeClasses >= 1 && zodTypeClasses < 3, `zod's ZodType defined ${zodTypeClasses} times`);
  });

  it('the production bundle preloads zod: the bundler kept the preloaded module', async () => {
    const { code } = await bundleWorkOrderWorkflows();
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    assert.match(preload, /__webpack_require__\([^)]*"\.\/src\/workflows\/preloaded\.ts"\)/, 'a side-effect-free preload would have been dropped as `0;`');
  });
});
