import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { snapshotWorkflowThread, type HeapSummary } from '../../dev/workflow-heap';
import { bundleWorkOrderWorkflows } from '../../src/worker/workflow-bundle';
import { eventually, startStack } from '../helpers/stack';
import { newWorkOrderId } from '../helpers/work-orders';

/**
 * Guards for worker memory that hold on a noisy machine: counts, not sizes or times. The sizes are in the
 * many-open and workflow-heap benchmarks.
 */
describe('worker memory stops at the workflow cache', async () => {
  const CACHE = 5;
  const { client } = await startStack({ WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) });

  const allOpen = (ids: string[]) =>
    eventually(async () => ((await client.list({ status: 'open', limit: 1000 })).filter((row) => ids.includes(row.workOrderId)).length === ids.length ? true : undefined), 'all open');
  /** zod 4 builds every schema through a constructor function named `_`. */
  const zodSchemas = (heap: HeapSummary) => heap.get('object _')?.count ?? 0;

  it('keeps no evicted work order in the workflow thread, and one set of schemas for all of them', async () => {
    const ids = Array.from({ length: 5 * CACHE }, () => newWorkOrderId('WO-MEM'));
    await client.start({ workOrderId: ids[0]!, seller: 'seller-a' });
    await allOpen(ids.slice(0, 1));
    const withOne = await snapshotWorkflowThread();
    for (const id of ids.slice(1)) await client.start({ workOrderId: id, seller: 'seller-a' });
    await allOpen(ids);
    const heap = await snapshotWorkflowThread();
    const live = heap.get('object WorkOrder')?.count ?? 0;
    assert.ok(live >= 1, 'the snapshot sees the cached work orders');
    assert.ok(live <= CACHE, `${live} work orders live in the workflow thread with a cache of ${CACHE}`);
    // zod is evaluated once for the thread (preloaded), not once per cached work order.
    const zodTypeClasses = heap.get('closure ZodType')?.count ?? 0;
    assert.ok(zodTypeClasses >= 1 && zodTypeClasses < 3, `zod's ZodType defined ${zodTypeClasses} times`);
    // The message schemas are built once per thread (workflows/validation.ts): built per workflow, each cached
    // work order held about a hundred of them.
    assert.ok(zodSchemas(withOne) > 0, 'the snapshot sees the schemas');
    const grown = zodSchemas(heap) - zodSchemas(withOne);
    assert.ok(grown < 10, `${grown} more zod schemas with ${CACHE} work orders cached than with one: schemas are built per workflow`);
  });

  it('the production bundle preloads zod: the bundler kept the preloaded module', async () => {
    const { code } = await bundleWorkOrderWorkflows();
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    assert.match(preload, /__webpack_require__\([^)]*"\.\/src\/workflows\/validation\.ts"\)/, 'a side-effect-free preload would have been dropped as `0;`');
  });
});
