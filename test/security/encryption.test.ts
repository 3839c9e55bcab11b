import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { Worker } from '@temporalio/worker';
import { AesGcmPayloadCodec, encryptingDataConverter } from '../../src/codec/aes-gcm-codec';
import { CodecAuth } from '../../src/codec/auth';
import { CodecServer } from '../../src/codec/server';
import { workflowIdFor } from '../../src/client';
import { bundleWorkOrderWorkflows } from '../../src/worker/workflow-bundle';
import { startStack } from '../helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const BUYER_NICK = 'buyer-nick-that-must-stay-private';

describe('payload encryption (AES-256-GCM codec)', async () => {
  const keys = JSON.stringify({ k1: OLD_KEY.toString('base64'), k2: NEW_KEY.toString('base64') });
  // The workflow bundle the image ships (npm run build), as a deployed worker runs it.
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkOrderWorkflows()).code);
  const { client, env, sandbox, config } = await startStack({ PAYLOAD_CODEC_KEYS: keys, PAYLOAD_CODEC_KEY_ID: 'k2', WORKFLOW_BUNDLE_PATH: bundlePath });

  it('encrypts the workflow’s own failure messages too, with the prebuilt bundle', async () => {
    const id = newWorkOrderId('WO-ENC-FAIL');
    // Refused at start: the failure's message names the field and quotes nothing, but is encrypted all the same.
    const handle = await env.client.workflow.start('workOrderWorkflow', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: workflowIdFor(id), args: [{ workOrderId: id, seller: 'has space' }] });
    await assert.rejects(client.result(id), (error: Error) => /seller: must not contain spaces/.test(String(error.cause)));
    const failed = (await handle.fetchHistory()).events!.find((event) => event.workflowExecutionFailedEventAttributes)!.workflowExecutionFailedEventAttributes!.failure!;
    assert.equal(failed.message, 'Encoded failure');
    assert.ok(!JSON.stringify(failed).includes('must not contain spaces'));
    assert.equal(Buffer.from(failed.encodedAttributes!.metadata!.encoding!).toString(), 'binary/encrypted');
  });

  it('keeps buyer data out of the server while the product works as before, and replays with the codec', async () => {
    const id = newWorkOrderId('WO-ENC');
    await client.start(fullWorkOrder(id, { buyer: { nick: BUYER_NICK } }));
    await client.reportProgress(id, { progressId: 'p1', node: 'inspecting', data: { note: BUYER_NICK } });
    await client.complete(id, { resultMessage: 'done' });
    assert.equal((await client.result(id)).status, 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:inspecting', 'notify:completed!', 'case:2', 'emit:completed']);
    assert.equal(callsFor(sandbox, id)[0]!.params.buyer_nick, BUYER_NICK, 'TOP still receives the buyer nick');

    // What the server stores, read without the codec.
    const history = await env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
    const raw = JSON.stringify(history);
    assert.ok(!raw.includes(BUYER_NICK) && !raw.includes(Buffer.from(BUYER_NICK).toString('base64')), 'no buyer nick readable in history');
    assert.ok(raw.includes(Buffer.from('binary/encrypted').toString('base64')) || raw.includes('binary/encrypted'));

    const codec = new AesGcmPayloadCodec({ k1: OLD_KEY, k2: NEW_KEY }, 'k2');
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows'), dataConverter: encryptingDataConverter(codec) }, history, workflowIdFor(id));
    assert.equal(config.PAYLOAD_CODEC_KEY_ID, 'k2');
  });

  it('rotates keys by id: payloads encrypted with the old key still decode', async () => {
    const old = new AesGcmPayloadCodec({ k1: OLD_KEY }, 'k1');
    const rotated = new AesGcmPayloadCodec({ k1: OLD_KEY, k2: NEW_KEY }, 'k2');
    const payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"secret"') };
    const [sealed] = await old.encode([payload]);
    assert.equal(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString(), 'k1');
    const [opened] = await rotated.decode([sealed!]);
    assert.equal(Buffer.from(opened!.data!).toString(), '"secret"');
    const [resealed] = await rotated.encode([payload]);
    assert.equal(Buffer.from(resealed!.metadata!['encryption-key-id']!).toString(), 'k2');
    await assert.rejects(old.decode([resealed!]), /no payload key "k2"/);
  });

  it('serves /encode and /decode with CORS for the Temporal UI, on loopback', async () => {
    const token = 'codec-token-for-this-test-only-0123456789';
    const server = new CodecServer(new AesGcmPayloadCodec({ k2: NEW_KEY }, 'k2'), { allowOrigin: 'http://localhost:8233', auth: new CodecAuth({ token }) });
    const headers = { authorization: `Bearer ${token}` };
    const url = await server.start();
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const preflight = await request(`${url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'http://localhost:8233');
      await preflight.body.dump();
      const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"buyer":"x"}').toString('base64') };
      const encoded = (await (await request(`${url}/encode`, { method: 'POST', headers, body: JSON.stringify({ payloads: [plain] }) })).body.json()) as { payloads: typeof plain[] };
      assert.notEqual(encoded.payloads[0]!.data, plain.data);
      const decoded = (await (await request(`${url}/decode`, { method: 'POST', headers, body: JSON.stringify({ payloads: encoded.payloads }) })).body.json()) as { payloads: typeof plain[] };
      assert.deepEqual(decoded.payloads[0], plain);
      const bad = await request(`${url}/decode`, { method: 'POST', headers, body: '{"nope":1}' });
      assert.equal(bad.statusCode, 400);
      await bad.body.dump();
    } finally {
      await server.close();
    }
  });
});
