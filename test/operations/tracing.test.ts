import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/server';
import { ALIMI_PROGRESS_NOTIFY, BCPUSH_EVENT_EMIT, RDC_IDENTIFICATION_CASE_UPDATE } from '../../src/top';
import { createTracing } from '../../src/worker/tracing';
import { SELLER_A_SESSION, SELLER_B_SESSION } from '../helpers/sandbox';
import { eventually, startStack } from '../helpers/stack';
import { fullWorkOrder } from '../helpers/work-orders';

/** Spans are collected in this process: the worker's, the workflow's (through the sink) and the client's. */
const exporter = new InMemorySpanExporter();
const tracing = createTracing({ serviceName: 'work-orders-under-test', spanProcessor: new SimpleSpanProcessor(exporter) });

const spansOf = (workflowId: string): ReadableSpan[] => {
  const all = exporter.getFinishedSpans();
  const root = all.find((span) => span.name === 'StartWorkflow:workOrderWorkflow' && span.attributes.temporalWorkflowId === workflowId);
  return root ? all.filter((span) => span.spanContext().traceId === root.spanContext().traceId) : [];
};

/** The one span named `name` whose parent is `parent`. */
function childOf(spans: ReadableSpan[], parent: ReadableSpan, name: string): ReadableSpan {
  const children = spans.filter((span) => span.name === name && span.parentSpanId === parent.spanContext().spanId);
  assert.ok(children.length > 0, `${name} is a child of ${parent.name}; children of it: ${spans.filter((s) => s.parentSpanId === parent.spanContext().spanId).map((s) => s.name).join(', ')}`);
  return children[0]!;
}

describe('tracing: one trace from the client through the workflow and activities to each TOP call', async () => {
  const { client, sandbox } = await startStack({}, { tracing });

  it('links client → workflow → activity → TOP HTTP call as parent and child, for every API', async () => {
    const order = fullWorkOrder();
    const { workflowId } = await client.start(order);
    await eventually(async () => ((await client.status(order.workOrderId)).status === 'open' ? true : undefined), 'work order open');
    await client.complete(order.workOrderId, { resultMessage: 'traced' });
    await client.result(order.workOrderId);

    const spans = await eventually(() => {
      const found = spansOf(workflowId);
      // Opened and closed: two identification case calls.
      return found.filter((span) => span.name === `TOP ${RDC_IDENTIFICATION_CASE_UPDATE}`).length >= 2 ? found : undefined;
    }, 'the spans of the work order');

    const start = spans.find((span) => span.name === 'StartWorkflow:workOrderWorkflow')!;
    const run = childOf(spans, start, 'RunWorkflow:workOrderWorkflow');
    assert.equal(run.resource.attributes['service.name'], 'work-orders-under-test');

    for (const [activity, api] of [
      ['emitWorkOrderEvent', BCPUSH_EVENT_EMIT],
      ['updateIdentificationCase', RDC_IDENTIFICATION_CASE_UPDATE],
      ['notifyAliMe', ALIMI_PROGRESS_NOTIFY],
    ] as const) {
      const scheduled = childOf(spans, run, `StartActivity:${activity}`);
      const executed = childOf(spans, scheduled, `RunActivity:${activity}`);
      assert.equal(executed.attributes.temporalWorkflowId, workflowId);
      const call = childOf(spans, executed, `TOP ${api}`);
      assert.equal(call.kind, SpanKind.CLIENT);
      assert.equal(call.attributes['rpc.method'], api);
      assert.equal(call.attributes['http.response.status_code'], 200);
      assert.equal(call.attributes['server.address'], '127.0.0.1');
      assert.match(String(call.attributes['top.request_id']), /\w+/);
      assert.notEqual(call.status.code, SpanStatusCode.ERROR);
    }

    // The completion signal is a trace of its own, from the client call into the workflow's handler.
    const all = exporter.getFinishedSpans();
    const signalled = all.find((span) => span.name === 'SignalWorkflow:complete' && span.attributes.temporalWorkflowId === workflowId);
    assert.ok(signalled, 'the client traced the completion signal');
    childOf(all, signalled, 'HandleSignal:complete');
  });

  it('marks a failed TOP call with its error class and code, and no span carries a secret or session key', async () => {
    const order = fullWorkOrder();
    sandbox.setFaults({ businessErrorIds: [order.workOrderId] });
    try {
      const { workflowId } = await client.start(order);
      const failed = await eventually(
        () => spansOf(workflowId).find((span) => span.name.startsWith('TOP ') && span.status.code === SpanStatusCode.ERROR),
        'a failed TOP call span',
      );
      assert.equal(failed.attributes['error.type'], 'business');
      assert.ok(failed.attributes['top.error.code'] !== undefined || failed.attributes['top.error.sub_code'] !== undefined, 'the TOP error code is on the span');
      await client.cancel(order.workOrderId, { reason: 'test over' });
    } finally {
      sandbox.setFaults({});
    }

    const everything = JSON.stringify(
      exporter.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, resource: span.resource.attributes })),
    );
    for (const secret of [SANDBOX_DEFAULTS.appSecret, SELLER_A_SESSION, SELLER_B_SESSION]) {
      assert.equal(everything.includes(secret), false, 'a secret appears in an exported span');
    }
  });
});
