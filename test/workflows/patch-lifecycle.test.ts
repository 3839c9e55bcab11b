/**
 * The patch lifecycle docs/changing-workflows.md prescribes — patched → deprecatePatch → removed — proved
 * with histories recorded on a real server under each step's code and replayed under the next: which
 * histories each step replays, and which it cannot (so they must be gone from the cluster first).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { temporal } from '@temporalio/proto';
import { installQuietRuntime, startTemporal } from '../helpers/temporal';

const STEPS = ['1-before', '2-patched', '3-deprecated', '4-removed'] as const;
type Step = (typeof STEPS)[number];

describe('the patch lifecycle: patched → deprecatePatch → removed', async () => {
  installQuietRuntime();
  const env = await startTemporal();
  const bundles = {} as Record<Step, WorkflowBundleWithSourceMap>;
  for (const step of STEPS) {
    bundles[step] = await bundleWorkflowCode({ workflowsPath: require.resolve(`../fixtures/patch-lifecycle/${step}`), logger: new DefaultLogger('ERROR') });
  }

  /** A run of the step's code on the server, and its history. */
  const record = async (step: Step): Promise<temporal.api.history.v1.IHistory> => {
    const taskQueue = `lifecycle-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundles[step] });
    return await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('lifecycleWorkflow', { taskQueue, workflowId: `lifecycle-${step}-${randomUUID()}` });
      await handle.result();
      return await handle.fetchHistory();
    });
  };
  const replays = async (step: Step, history: temporal.api.history.v1.IHistory) => {
    try {
      await Worker.runReplayHistory({ workflowBundle: bundles[step] }, history);
      return true;
    } catch (error) {
      if (error instanceof DeterminismViolationError) return false;
      throw error;
    }
  };
  const recorded = {} as Record<Step, temporal.api.history.v1.IHistory>;
  for (const step of STEPS) recorded[step] = await record(step);

  it('patched: replays the runs recorded before it (the old path) and its own', async () => {
    assert.equal(await replays('2-patched', recorded['1-before']), true);
    assert.equal(await replays('2-patched', recorded['2-patched']), true);
  });

  it('deprecatePatch: replays runs that took the patch, not runs recorded before it (retire those first)', async () => {
    assert.equal(await replays('3-deprecated', recorded['2-patched']), true);
    assert.equal(await replays('3-deprecated', recorded['3-deprecated']), true);
    assert.equal(await replays('3-deprecated', recorded['1-before']), false);
  });

  it('removed: replays runs recorded under deprecatePatch, not those that took the patch (retire those first)', async () => {
    assert.equal(await replays('4-removed', recorded['3-deprecated']), true);
    assert.equal(await replays('4-removed', recorded['4-removed']), true);
    assert.equal(await replays('4-removed', recorded['2-patched']), false);
  });

  it('code from before the patch cannot replay a run that took it: why a rollback pins those runs', async () => {
    assert.equal(await replays('1-before', recorded['2-patched']), false);
  });
});
