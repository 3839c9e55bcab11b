import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import * as activities from '../fixtures/smoke-activities';
import { smokeWorkflow } from '../fixtures/smoke-workflows';
import { startTemporal } from '../helpers/temporal';

describe('a real Temporal dev server', async () => {
  const env = await startTemporal();

  it('runs a workflow with an activity', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'smoke',
      workflowsPath: require.resolve('../fixtures/smoke-workflows'),
      activities,
    });
    const result = await worker.runUntil(env.client.workflow.execute(smokeWorkflow, { taskQueue: 'smoke', workflowId: 'smoke-1', args: ['TOP'] }));
    assert.equal(result, 'hello TOP from greet');
    const history = await env.client.workflow.getHandle('smoke-1').fetchHistory();
    assert.ok(history.events?.some((e) => e.activityTaskCompletedEventAttributes), 'the activity ran through the server');
  });
});
