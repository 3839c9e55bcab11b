import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/client';
import { LEAN_REPORTS, SHORTER_RUNS } from '../../src/workflows/patches';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import { eventsOf, runIdsOf, saveHistory } from '../helpers/histories';
import { releasedSkipReason, releasedWorkflowBundle } from '../helpers/released';
import { eventually, startProduct, type Product } from '../helpers/stack';
import { startTemporal } from '../helpers/temporal';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/**
 * Where a run continues as new (src/workflows/run-length.ts), as work orders meet it: today's build at 60
 * events, and a work order opened on 1.1.1 keeping 1.1's 100 in the run that build began. No test input
 * overrides the bound here.
 */
describe('run length: where runs continue as new', { skip: releasedSkipReason('1.1.1') }, async () => {
  const env = await startTemporal({ searchAttributes: WORK_ORDER_SEARCH_ATTRIBUTES });

  /** Every run of a work order, first run first, as `eventsOf` lists them. */
  const runsOf = async (id: string) =>
    await Promise.all((await runIdsOf(env, workflowIdFor(id))).map(async (runId) => ({ runId, events: await eventsOf(env, workflowIdFor(id), runId) })));
  const patches = (events: string[]) => events.filter((event) => event.startsWith('patch'));
  /** Reports one after another, each taken before the next is sent. */
  const report = async (product: Product, id: string, from: number, to: number) => {
    for (let i = from; i < to; i++) {
      await product.client.reportProgress(id, { progressId: `p${i}`, node: `node-${i}` });
      await eventually(async () => ((await product.client.status(id)).progressReceived === i + 1 ? true : undefined), `${id}: report ${i} taken`);
    }
  };

  it('a new work order’s runs continue as new past 60 events, one marker in its life', async () => {
    const product = await startProduct(env);
    try {
      const id = newWorkOrderId('WO-RUNS');
      await product.client.start(fullWorkOrder(id, { identification: undefined }));
      await report(product, id, 0, 16);
      await product.client.complete(id, { resultMessage: 'done' });
      assert.equal((await product.client.result(id)).progressReceived, 16);
      const runs = await runsOf(id);
      assert.ok(runs.length >= 2, `${runs.length} runs`);
      for (const run of runs.slice(0, -1)) assert.ok(run.events.length > 60 && run.events.length <= 70, `a run of ${run.events.length} events`);
      assert.deepEqual(runs.flatMap((run) => patches(run.events)), [`patch ${SHORTER_RUNS}`]);
      await saveHistory(env, workflowIdFor(id), 'runs-of-60-events-first-run', runs[0]!.runId);
      await saveHistory(env, workflowIdFor(id), 'runs-of-60-events-last-run', runs.at(-1)!.runId);
    } finally {
      await product.stop();
    }
  });

  it('a work order opened on 1.1.1 keeps 1.1’s bound in that run; its next run under today’s build asks the patch as it begins and continues past 60', async () => {
    const taskQueue = `work-orders-${randomUUID()}`;
    const bundle = join(mkdtempSync(join(tmpdir(), 'wo-run-length-')), 'bundle-1.1.1.js');
    writeFileSync(bundle, await releasedWorkflowBundle('1.1.1'));
    const id = newWorkOrderId('WO-RUNS-1.1');
    // 1.1.1's worker opens it and takes nine reports: past 60 events, short of 100.
    const released = await startProduct(env, { TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: bundle });
    try {
      await released.client.start(fullWorkOrder(id, { identification: undefined }));
      await report(released, id, 0, 9);
    } finally {
      await released.stop();
    }
    const [begun] = await runsOf(id);
    assert.ok(begun!.events.length > 60 && begun!.events.length < 100, `1.1.1's run: ${begun!.events.length} events, one run`);
    assert.deepEqual(patches(begun!.events), [`patch ${LEAN_REPORTS}`]);

    // Today's build replays that run and carries on.
    const today = await startProduct(env, { TEMPORAL_TASK_QUEUE: taskQueue });
    try {
      await report(today, id, 9, 30);
      await today.client.complete(id, { resultMessage: 'done' });
      assert.equal((await today.client.result(id)).progressReceived, 30);
    } finally {
      await today.stop();
    }
    const runs = await runsOf(id);
    assert.ok(runs.length >= 3, `${runs.length} runs`);
    const [first, next, ...later] = runs;
    assert.ok(first!.events.length > 100 && first!.events.length <= 110, `the run 1.1.1 began continued past 100: ${first!.events.length} events`);
    assert.deepEqual(patches(next!.events), [`patch ${SHORTER_RUNS}`], 'the next run asks as it begins');
    assert.equal(next!.events.indexOf(`patch ${SHORTER_RUNS}`), next!.events.indexOf('workflowTaskCompleted') + 1, 'in its first workflow task');
    assert.ok(next!.events.length > 60 && next!.events.length <= 70, `then continued past 60: ${next!.events.length} events`);
    assert.deepEqual(later.flatMap((run) => patches(run.events)), [], 'later runs carry the answer');
    const carrying = `WorkflowId = "${workflowIdFor(id)}" AND TemporalChangeVersion = "${SHORTER_RUNS}"`;
    assert.equal((await env.client.workflow.count(carrying)).count, runs.length - 1, 'every run since is found by the patch');
    await saveHistory(env, workflowIdFor(id), 'continued-from-1.1-first-run', first!.runId);
    await saveHistory(env, workflowIdFor(id), 'continued-from-1.1-next-run', next!.runId);
  });
});
