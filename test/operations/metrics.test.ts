/**
 * The worker as `npm run worker` runs it (its own process): Prometheus metrics — the SDK's and the
 * product's — scraped after real work orders, traces exported over OTLP/HTTP to a collector stand-in,
 * JSON logs, and the liveness/readiness endpoints.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import type { QuotaReport } from '../../src/activities/quota-users';
import { WorkOrderClient } from '../../src/client';
import { freePort, startNode } from '../../dev/processes';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import { DEFAULT_SESSIONS, eventually } from '../helpers/stack';
import { startSandbox } from '../helpers/sandbox';
import { startTemporal } from '../helpers/temporal';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/** An OTLP/HTTP collector stand-in: keeps the JSON bodies POSTed to /v1/traces. */
async function startTraceCollector(): Promise<{ url: string; spanNames: () => string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks).toString());
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  type Export = { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
  const spanNames = () => bodies.flatMap((body) => (JSON.parse(body) as Export).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))));
  return { url: `http://127.0.0.1:${port}`, spanNames };
}

describe('worker metrics, traces, logs and health', async () => {
  const collector = await startTraceCollector();
  const env = await startTemporal({ searchAttributes: WORK_ORDER_SEARCH_ATTRIBUTES });
  const sandbox = await startSandbox();
  const sessionsFile = join(mkdtempSync(join(tmpdir(), 'metrics-')), 'sessions.json');
  writeFileSync(sessionsFile, JSON.stringify(DEFAULT_SESSIONS));
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  const worker = await startNode(
    'src/worker.ts',
    {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: 'metrics',
      TOP_GATEWAY_URL: sandbox.gatewayUrl,
      TOP_APP_KEY: SANDBOX_DEFAULTS.appKey,
      TOP_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
      TOP_SESSIONS_FILE: sessionsFile,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      WORKER_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
      WORKER_OPEN_WORK_ORDERS_INTERVAL_MS: '200',
      TOP_SESSIONS_CHECK_INTERVAL_MS: '200',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
    /worker on task queue/,
  );
  after(() => worker.stop());
  const logLines: string[] = [];
  worker.process.stdout!.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
  const client = new WorkOrderClient(env.client, 'metrics');

  it('answers liveness and readiness, and exports readiness for the WorkerNotReady alert', async () => {
    const ready = await eventually(async () => ((await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status === 200 ? true : undefined), 'ready');
    assert.ok(ready);
    assert.equal((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${healthPort}/nope`)).status, 404);
    await eventually(async () => (/^worker_ready(\{[^}]*\})? 1$/m.test(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()) ? true : undefined), 'worker_ready 1');
  });

  it('shows running work orders by status, and takes a finished one off', async () => {
    const failed = /^work_orders_open\S*\{(?=[^}]*status="failed")[^}]*\} (\d+)$/m;
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const failedNow = async () => Number((await scrape()).match(failed)?.[1] ?? 0);
    // First of the tests that start work orders: no other is waiting for an operator yet.
    const before = await failedNow();
    const id = newWorkOrderId('WO-GAUGE');
    // AliGenius refuses the case (not the Qianniu event, whose refusal the next test counts).
    const refundId = '7123456789012345678';
    sandbox.setFaults({ businessErrorIds: [refundId] });
    await client.start(fullWorkOrder(id, { identification: { detailOrderId: '194467217119131', refundId } }));
    await eventually(async () => ((await failedNow()) === before + 1 ? true : undefined), `work_orders_open{status="failed"} ${before + 1}`);
    assert.doesNotMatch(await scrape(), /^work_orders_open\S*\{[^}]*node=/m, 'no label per node: its values are the sellers’ own');
    sandbox.setFaults({});
    await client.cancel(id, { reason: 'test over' });
    await client.result(id);
    await eventually(async () => ((await failedNow()) === before ? true : undefined), 'the finished work order off the gauge');
  });

  it('exports TOP calls by activity, outcome and error class, work-order events, and the SDK’s own metrics', async () => {
    const good = newWorkOrderId('WO-M');
    const refused = newWorkOrderId('WO-MBIZ');
    sandbox.setFaults({ businessErrorIds: [refused] });
    await client.start(fullWorkOrder(good));
    await client.start(fullWorkOrder(refused));
    await eventually(async () => ((await client.status(refused)).status === 'failed' ? true : undefined), 'refused work order failed');
    await client.complete(good, { resultMessage: 'done' });
    await client.result(good);

    const text = await eventually(async () => {
      const body = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /work_orders\S*\{[^}]*event="completed"/.test(body) ? body : undefined;
    }, 'metrics exported');
    const line = (pattern: RegExp) => text.split('\n').find((l) => pattern.test(l));
    assert.ok(line(/^top_calls\S*\{(?=[^}]*activity="emitWorkOrderEvent")(?=[^}]*outcome="ok")[^}]*\} [1-9]/), 'successful TOP calls counted');
    assert.ok(line(/^top_calls\S*\{(?=[^}]*error_class="business")(?=[^}]*outcome="error")[^}]*\} 1$/), 'the refused call counted once, with its class');
    assert.ok(line(/^top_call_latency\S*_bucket\{/), 'latency histogram');
    assert.ok(line(/^top_call_queue_wait\S*_bucket\{(?=[^}]*priority="3")/), 'time waiting for the quota, for the bookkeeping calls');
    assert.ok(line(/^top_calls\S*\{(?=[^}]*activity="notifyAliMe")(?=[^}]*priority="local")(?=[^}]*outcome="ok")[^}]*\} [1-9]/), '店小蜜 calls made inside workflow tasks');
    assert.ok(!line(/^top_call_queue_wait\S*\{(?=[^}]*priority="local")/), 'a local call never queues on the server');
    assert.ok(line(/^top_calls\S*\{(?=[^}]*activity="emitWorkOrderEvent")(?=[^}]*priority="3")/), 'calls by priority');
    assert.ok(line(/^top_calls\S*\{(?=[^}]*activityType="emitWorkOrderEvent")(?=[^}]*namespace="default")(?=[^}]*taskQueue="metrics")/), 'labelled like the SDK’s activity metrics');
    for (const event of ['started', 'completed', 'step_failed']) assert.ok(line(new RegExp(`^work_orders\\S*\\{[^}]*event="${event}"`)), `work_orders{event="${event}"}`);
    assert.ok(line(/^temporal_/), 'the SDK runtime’s metrics');
    assert.ok(!line(/^top_\S*\{[^}]*seller-a/), 'no seller in any metric label');
    await client.cancel(refused, { reason: 'test over' });
  });

  it('says which sellers took the quota, on the health endpoint rather than in metric labels', async () => {
    const report = (await (await fetch(`http://127.0.0.1:${healthPort}/quota`)).json()) as QuotaReport;
    const sellerA = report.sellers.find((user) => user.seller === 'seller-a');
    assert.ok(sellerA && sellerA.calls >= 3, `seller-a's calls counted: ${JSON.stringify(report)}`);
    assert.equal(report.calls, report.sellers.reduce((sum, user) => sum + user.calls, 0), 'every call counted for its seller');
  });

  it('exports the spans of workflow, activities and TOP calls over OTLP when an endpoint is configured', async () => {
    const id = newWorkOrderId('WO-OTLP');
    await client.start(fullWorkOrder(id));
    const expected = ['RunWorkflow:workOrderWorkflow', 'RunActivity:emitWorkOrderEvent', 'TOP taobao.bcpush.isv.event.emit', 'TOP taobao.rdc.aligenius.identification.case.update'];
    await eventually(() => (expected.every((name) => collector.spanNames().includes(name)) ? true : undefined), `spans ${expected.join(', ')} at the collector`);
    await client.cancel(id, { reason: 'test over' });
  });

  it('logs one JSON object per line (stdout is not a terminal), with the work order id on lines about one', async () => {
    const failureLine = await eventually(
      () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'work order step failed permanently; waiting for an operator'),
      'the failure log line',
    );
    assert.equal(failureLine.level, 'ERROR');
    assert.equal(failureLine.failureType, 'TopError:business');
    assert.match(String(failureLine.workOrderId), /^WO-(GAUGE|MBIZ)-/, 'the failed work order’s id');
    assert.match(String(failureLine.time), /^\d{4}-\d\d-\d\dT/);
    assert.match(String(failureLine.trace_id), /^[0-9a-f]{32}$/, 'with tracing on, workflow lines carry the trace id');
    const activityLines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => typeof l.activityType === 'string');
    assert.ok(activityLines.length > 0 && activityLines.every((l) => typeof l.workOrderId === 'string'), 'activity lines carry workOrderId');
  });

  it('resumes a re-authorized seller’s work orders failed on authorization by itself, counted; other failures wait for an operator, whose skip is counted', async () => {
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const unauthorized = newWorkOrderId('WO-REAUTH');
    const refused = newWorkOrderId('WO-REAUTH-BIZ');
    // seller-r has no key yet; seller-a's work order is refused by Qianniu.
    sandbox.setFaults({ businessErrorIds: [refused] });
    await client.start(fullWorkOrder(unauthorized, { seller: 'seller-r' }));
    await client.start(fullWorkOrder(refused));
    const failed = async (id: string) => await eventually(async () => ((await client.status(id)).status === 'failed' ? true : undefined), `${id} failed`);
    await failed(unauthorized);
    await failed(refused);
    assert.equal((await client.status(unauthorized)).lastError?.classification, 'authorization');

    // The seller authorizes the app: its key appears in the sessions file, and nobody runs `retry`. Before it
    // in the file, sellers no work order can have (a quote, a backslash, 200 characters) hold nothing up.
    sandbox.setSession('key-of-seller-r', { seller: 'seller-r' });
    const unqueryable = { 'shop"quoted': 'key-q', 'shop\\slash': 'key-s', ['s'.repeat(200)]: 'key-l' };
    writeFileSync(sessionsFile, JSON.stringify({ ...unqueryable, ...DEFAULT_SESSIONS, 'seller-r': 'key-of-seller-r' }));
    await eventually(async () => ((await client.status(unauthorized)).status === 'open' ? true : undefined), 'resumed without an operator');
    await eventually(async () => (/^work_orders_resumed\S*\{[^}]*cause="reauthorized"[^}]*\} 1$/m.test(await scrape()) ? true : undefined), 'work_orders_resumed{cause="reauthorized"} 1');
    assert.equal((await client.status(refused)).status, 'failed', 'a business refusal still waits for an operator');

    await client.skip(refused, { reason: 'created by hand in Qianniu' });
    await eventually(async () => (/^work_orders\S*\{[^}]*event="step_skipped"[^}]*\} 1$/m.test(await scrape()) ? true : undefined), 'work_orders{event="step_skipped"} 1');
    sandbox.setFaults({});
    await client.cancel(unauthorized, { reason: 'test over' });
    await client.cancel(refused, { reason: 'test over' });
  });
});
