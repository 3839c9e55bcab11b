import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { InvalidInputError, WorkOrderNotFoundError, workflowIdFor } from '../../src/client';
import { ConfigError, loadConfig } from '../../src/worker/config';
import { progressSignal, reportProgressUpdate } from '../../src/work-order/messages';
import { cliFor } from '../helpers/cli';
import { eventually, startStack } from '../helpers/stack';
import { callsFor, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

describe('bad input is refused at the edge, naming the field, and nothing starts', async () => {
  const { sandbox, client, env, config } = await startStack();

  const rejects = async (call: Promise<unknown>, field: RegExp) => {
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof InvalidInputError, String(error));
      assert.match(error.message, field);
      return true;
    });
  };

  it('start: every wrong field is named and no workflow exists afterwards', async () => {
    const id = newWorkOrderId();
    const cases: [unknown, RegExp][] = [
      [{ ...fullWorkOrder(id), seller: undefined }, /seller: is required/],
      [{ ...fullWorkOrder(id), workOrderId: 'has spaces' }, /workOrderId: must be 1-64 letters/],
      [{ ...fullWorkOrder(id), bizOrderId: Number('4012345678901234567') }, /bizOrderId: must be a decimal string/],
      [{ ...fullWorkOrder(id), identification: { detailOrderId: '1', refundId: '123456789012345678901' } }, /identification\.refundId/],
      [{ ...fullWorkOrder(id), alime: { asyncCode: '' } }, /alime\.asyncCode: must not be empty/],
      [{ ...fullWorkOrder(id), alime: { asyncCode: 'a', firstNodeData: { blob: 'x'.repeat(9000) } } }, /alime\.firstNodeData: must be at most 8192 bytes/],
      [{ ...fullWorkOrder(id), sla: { within: 'soon' } }, /sla\.within: must be a duration/],
      [{ ...fullWorkOrder(id), unexpected: true }, /unexpected/],
      ['not an object', /\(input\)/],
    ];
    for (const [input, field] of cases) await rejects(client.start(input as never), field);
    await assert.rejects(env.client.workflow.getHandle(workflowIdFor(id)).describe());
    assert.equal(callsFor(sandbox, id, undefined).length, 0);
  });

  it('progress, completion, cancellation, ids and list filters are checked before anything is sent', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id));
    await rejects(client.reportProgress(id, { progressId: 'p', node: '' }), /node: must not be empty/);
    await rejects(client.reportProgress(id, { progressId: 'p', node: 'n', data: { big: 'y'.repeat(10_000) } }), /data: must be at most 8192 bytes/);
    await rejects(client.sendProgress(id, { node: 'n' } as never), /progressId: is required/);
    await rejects(client.complete(id, { resultMessage: 42 } as never), /resultMessage: must be a string/);
    await rejects(client.cancel(id, {} as never), /reason: is required/);
    await rejects(client.status('bad id!'), /work order id/);
    await rejects(client.retry(''), /work order id/);
    await rejects(client.list({ status: 'sleeping' } as never), /status/);
    await rejects(client.list({ node: 'a" OR 1=1' }), /node/);
    const view = await client.status(id);
    assert.equal(view.progressReceived, 0);
    await assert.rejects(client.status('WO-never-started'), WorkOrderNotFoundError);
    await client.cancel(id, { reason: 'test over' });
    await client.result(id);
  });

  it('the Update validator rejects a malformed report before it enters history; a malformed signal is counted, not applied', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id));
    const handle = env.client.workflow.getHandle(workflowIdFor(id));
    await assert.rejects(handle.executeUpdate(reportProgressUpdate, { args: [{ progressId: 'x', node: 'n', data: { huge: 'z'.repeat(20_000) } }] }), (error: unknown) => {
      assert.ok(error instanceof WorkflowUpdateFailedError);
      assert.match(String((error.cause)?.message), /data: must be at most 8192 bytes/);
      return true;
    });
    await handle.signal(progressSignal, { node: 'no-id' } as never);
    const view = await eventually(async () => {
      const v = await client.status(id);
      return v.rejectedMessages === 1 ? v : undefined;
    }, 'malformed signal counted');
    assert.equal(view.progressReceived, 0);
    const history = await handle.fetchHistory();
    assert.ok(!history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes), 'no update was accepted into history');
    assert.ok(!JSON.stringify(history).includes('z'.repeat(100)), 'the oversized payload is nowhere in history');
    // Still healthy.
    await client.reportProgress(id, { progressId: 'ok', node: 'fine' });
    await client.complete(id, { resultMessage: 'done' });
    assert.equal((await client.result(id)).status, 'completed');
  });

  it('the CLI drives a work order and refuses bad input with exit code 2', async () => {
    const cli = cliFor({ env, config });
    const id = newWorkOrderId('WO-CLI');

    const started = JSON.parse((await cli(['start', '-'], JSON.stringify(fullWorkOrder(id)))).stdout);
    assert.equal(started.workflowId, workflowIdFor(id));
    const ack = JSON.parse((await cli(['progress', id], JSON.stringify({ progressId: 'c1', node: 'cli-node' }))).stdout);
    assert.deepEqual(ack, { accepted: true, progressReceived: 1 });
    assert.equal((await cli(['complete', id], JSON.stringify({ resultMessage: 'done from the CLI' }))).code, 0);
    assert.equal((await client.result(id)).status, 'completed');
    const status = JSON.parse((await cli(['status', id])).stdout);
    assert.equal(status.status, 'completed');
    const listed = await eventually(async () => {
      const rows = JSON.parse((await cli(['list', '--status', 'completed'])).stdout) as { workOrderId: string }[];
      return rows.some((r) => r.workOrderId === id) ? rows : undefined;
    }, 'completed work order listed by the CLI');
    assert.ok(listed.length >= 1);

    const badId = newWorkOrderId('WO-CLIBAD');
    const badInput = await cli(['start'], JSON.stringify({ workOrderId: badId, seller: 'seller-a', bizOrderId: 12 }));
    assert.equal(badInput.code, 2);
    assert.match(badInput.stderr, /bizOrderId: must be a decimal string/);
    const badJson = await cli(['start'], '{not json');
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /not valid JSON/);
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command/);
    await assert.rejects(env.client.workflow.getHandle(workflowIdFor(badId)).describe());
  });
});

describe('worker configuration', () => {
  const valid = { TOP_GATEWAY_URL: 'https://gw.api.taobao.com/router/rest', TOP_APP_KEY: '12345678', TOP_APP_SECRET: 'super-secret-value', TOP_SESSIONS_FILE: '/tmp/s.json' };

  it('applies defaults to a minimal valid environment', () => {
    const config = loadConfig(valid);
    assert.equal(config.TOP_SIGN_METHOD, 'hmac-sha256');
    assert.equal(config.TEMPORAL_TASK_QUEUE, 'taobao-work-orders');
    assert.equal(config.TOP_CALLS_PER_SECOND, 50);
    assert.equal(config.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  });

  it('takes an empty OTLP endpoint as no tracing, as compose passes it when the variable is set empty', () => {
    assert.equal(loadConfig({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: '' }).OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  });

  it('names every wrong variable and never prints a value', () => {
    assert.throws(
      () =>
        loadConfig({
          ...valid,
          TOP_GATEWAY_URL: 'ftp://x',
          TOP_SIGN_METHOD: 'sha1',
          TOP_CALLS_PER_SECOND: '-3',
          TOP_APP_SECRET: undefined,
          TOP_WORK_ORDER_STATUS_CODES: '{"created":',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['TOP_GATEWAY_URL', 'TOP_SIGN_METHOD', 'TOP_CALLS_PER_SECOND', 'TOP_APP_SECRET', 'TOP_WORK_ORDER_STATUS_CODES', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
          assert.match(error.message, new RegExp(name));
        }
        return true;
      },
    );
    assert.throws(() => loadConfig({ ...valid, TOP_APP_KEY: 'has spaces super-secret-value' }), (error: Error) => !error.message.includes('super-secret-value'));
  });

  it('numbers workers sharing a budget from 0 to TOP_WORKER_COUNT − 1', () => {
    assert.equal(loadConfig({ ...valid, TOP_WORKER_COUNT: '3', TOP_WORKER_INDEX: '2' }).TOP_WORKER_INDEX, 2);
    assert.equal(loadConfig({ ...valid, TOP_WORKER_COUNT: '3', TOP_WORKER_INDEX: '' }).TOP_WORKER_INDEX, undefined);
    assert.throws(() => loadConfig({ ...valid, TOP_WORKER_COUNT: '3', TOP_WORKER_INDEX: '3' }), /TOP_WORKER_INDEX must be less than TOP_WORKER_COUNT/);
  });

  it('takes at least two workflow-task slots, 8 when unset', () => {
    assert.equal(loadConfig({ ...valid, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '4' }).WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, 4);
    assert.equal(loadConfig({ ...valid, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '' }).WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, 8);
    assert.equal(loadConfig(valid).WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, 8);
    assert.throws(() => loadConfig({ ...valid, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }), /WORKER_MAX_CONCURRENT_WORKFLOW_TASKS must be 2 or more/);
  });

  it('takes a Worker Deployment version as a deployment name and a build id the server accepts, both or neither', () => {
    const versioned = loadConfig({ ...valid, WORKER_DEPLOYMENT_NAME: 'taobao-work-orders', WORKER_BUILD_ID: '1.0.0' });
    assert.deepEqual([versioned.WORKER_DEPLOYMENT_NAME, versioned.WORKER_BUILD_ID], ['taobao-work-orders', '1.0.0']);
    assert.equal(loadConfig({ ...valid, WORKER_DEPLOYMENT_NAME: '', WORKER_BUILD_ID: '' }).WORKER_BUILD_ID, undefined);
    assert.throws(() => loadConfig({ ...valid, WORKER_DEPLOYMENT_NAME: 'taobao-work-orders' }), /WORKER_BUILD_ID must be set together with WORKER_DEPLOYMENT_NAME/);
    assert.throws(() => loadConfig({ ...valid, WORKER_BUILD_ID: '1.0.0' }), /WORKER_BUILD_ID must be set together with WORKER_DEPLOYMENT_NAME/);
    assert.throws(() => loadConfig({ ...valid, WORKER_DEPLOYMENT_NAME: 'taobao.work-orders', WORKER_BUILD_ID: '1.0.0' }), /WORKER_DEPLOYMENT_NAME must be .* \(no dot or colon\)/);
    assert.throws(() => loadConfig({ ...valid, WORKER_DEPLOYMENT_NAME: 'taobao-work-orders', WORKER_BUILD_ID: '__1' }), /WORKER_BUILD_ID must be/);
  });

  it('names PAYLOAD_CODEC_KEYS and the key id when the keys are wrongly shaped, never a key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const wrong = (keys: string, id = 'k1') => () => loadConfig({ ...valid, PAYLOAD_CODEC_KEYS: keys, PAYLOAD_CODEC_KEY_ID: id });
    assert.throws(wrong('null'), /PAYLOAD_CODEC_KEYS must be a JSON object \{"<key id>": "<32 bytes, base64>"\}/);
    assert.throws(wrong('["a"]'), /PAYLOAD_CODEC_KEYS must be a JSON object/);
    assert.throws(wrong('{"k1": 5}'), /PAYLOAD_CODEC_KEYS: key "k1" must be base64 text/);
    assert.throws(wrong('{"k1": "c2hvcnQ="}'), /PAYLOAD_CODEC_KEYS: key "k1" must be 32 bytes \(AES-256\), not 5/);
    assert.throws(wrong(`{"k1": "${key}"}`, 'k2'), (error: Error) => /PAYLOAD_CODEC_KEY_ID "k2" is not among the keys/.test(error.message) && !error.message.includes(key));
    assert.ok(loadConfig({ ...valid, PAYLOAD_CODEC_KEYS: `{"k1": "${key}"}`, PAYLOAD_CODEC_KEY_ID: 'k1' }));
  });
});
