import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { contractSchemas } from '../src/work-order/contract';
import { workflowIdFor } from '../src/client';
import { CONTRACT_DIR, contractFileText } from '../scripts/write-contract';
import { startStack } from './helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from './helpers/work-orders';

const ajv = new Ajv2020({ strict: false });
const published = (name: string) => ajv.compile(JSON.parse(readFileSync(join(CONTRACT_DIR, `${name}.schema.json`), 'utf8')));

describe('the published contract for backends on other Temporal SDKs', async () => {
  it('docs/contract/ is exactly what the code generates (run `npm run contract` after changing a schema)', () => {
    const generated = contractSchemas();
    assert.deepEqual(readdirSync(CONTRACT_DIR).sort(), [...generated.keys()].map((name) => `${name}.schema.json`).sort());
    for (const [name, schema] of generated) assert.equal(readFileSync(join(CONTRACT_DIR, `${name}.schema.json`), 'utf8'), contractFileText(schema), name);
  });

  it('accepts what the client accepts and refuses a 64-bit id sent as a number', () => {
    const startInput = published('start-input');
    assert.ok(startInput(fullWorkOrder('WO-1')), JSON.stringify(startInput.errors));
    assert.equal(startInput({ ...fullWorkOrder('WO-1'), bizOrderId: 4012345678901234 }), false);
    assert.equal(published('progress-report')({ progressId: 'p', node: 'n', extra: 1 }), false);
  });

  const { client, env, config, sandbox } = await startStack();

  it('a backend using only Temporal (no client library) drives a work order by the published names and payloads', async () => {
    const id = newWorkOrderId('WO-CONTRACT');
    // What a Java or Go backend sends: plain JSON, defaults left out (alime.firstNode, sla.onBreach).
    const raw = { workOrderId: id, seller: 'seller-a', alime: { asyncCode: `ac-${id}` }, sla: { within: '2 days' } };
    assert.ok(published('start-input')(raw));
    const handle = await env.client.workflow.start('workOrderWorkflow', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: workflowIdFor(id), args: [raw] });
    const ack = await handle.executeUpdate('reportProgress', { args: [{ progressId: 'p1', node: 'inspecting' }], updateId: 'progress:p1' });
    assert.ok(published('progress-ack')(ack), JSON.stringify(ack));
    const view = await handle.query('status');
    assert.ok(published('status-view')(view), JSON.stringify(published('status-view').errors));
    await handle.signal('complete', { resultMessage: 'done' });
    const final = await handle.result();
    assert.ok(published('status-view')(final));
    assert.equal((final as { status: string }).status, 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'notify:created', 'notify:inspecting', 'notify:completed!', 'emit:completed']);
    assert.ok(published('status-view')(await client.status(id)));
  });

  it('a start input that breaks the contract fails the workflow at once, naming the field, and nothing reaches TOP', async () => {
    const id = newWorkOrderId('WO-BADSTART');
    const handle = await env.client.workflow.start('workOrderWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: workflowIdFor(id),
      args: [{ workOrderId: id, seller: 'seller-a', bizOrderId: 4012345678901234 }],
    });
    await assert.rejects(handle.result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.ok(error.cause instanceof ApplicationFailure);
      assert.equal(error.cause.type, 'InvalidInputError');
      assert.match(error.cause.message, /bizOrderId: must be a decimal string/);
      return true;
    });
    assert.deepEqual(callsFor(sandbox, id, undefined), []);
  });
});
