import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTopTime } from '../../src/top';
import { workflowIdFor } from '../../src/client';
import { eventually, startStack } from '../helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';
import { eventsOf, saveHistory } from '../helpers/histories';

describe('the work-order workflow, on a real Temporal server against the TOP sandbox', async () => {
  const { sandbox, client, env } = await startStack();

  const historyOf = (id: string) => eventsOf(env, workflowIdFor(id));

  it('happy path: created, case opened, nodes reported in order, completed and closed', async () => {
    const input = fullWorkOrder();
    const id = input.workOrderId;
    await client.start(input);
    assert.deepEqual(await client.reportProgress(id, { progressId: 'p1', node: 'inspecting', data: { inspector: 'A' } }), { accepted: true, progressReceived: 1 });
    assert.deepEqual(await client.reportProgress(id, { progressId: 'p2', node: 'inspected', data: { verdict: 'genuine' } }), { accepted: true, progressReceived: 2 });
    await client.complete(id, { resultMessage: '鉴定为正品', finalNode: 'finished', finalNodeData: { verdict: 'genuine' } });
    const final = await client.result(id);
    assert.equal(final.status, 'completed');
    assert.equal(final.currentNode, 'finished');

    const calls = callsFor(sandbox, id);
    assert.deepEqual(calls.map(describeCall), [
      'emit:created',
      'case:1',
      'notify:accepted',
      'notify:inspecting',
      'notify:inspected',
      'notify:finished!',
      'case:2',
      'emit:completed',
    ]);
    const [created, open, first, inspecting, , finalNotify, close, completed] = calls.map((c) => c.params as Record<string, any>);
    // Qianniu event: deterministic event_id, ms timestamp, the 19-digit order id intact, routing fields.
    assert.equal(created!.event_id, `${id}:created`);
    assert.equal(created!.work_order_status, 'CREATED');
    assert.equal(created!.biz_order_id, '4012345678901234567');
    assert.equal(created!.text, '鉴定申请');
    assert.equal(created!.buyer_nick, 'tb-buyer-nick');
    assert.ok(Number.isInteger(created!.ts) && created!.ts > 1_600_000_000_000, 'ts is epoch milliseconds');
    // Identification case: opened and completed under the same outer_case_id, ids exact, seconds.
    const { occur_time: openedAt, ...openParam } = open!.param;
    assert.deepEqual(openParam, { detail_order_id: '194467217119131', refund_id: '9223372036854775807', outer_case_id: id, operate_type: 1, operate_tips: '创建鉴定工单' });
    assert.ok(Math.abs(openedAt * 1000 - created!.ts) < 10_000, 'occur_time is epoch seconds of the step');
    assert.equal(close!.param.outer_case_id, id);
    assert.equal(close!.param.operate_tips, '鉴定为正品');
    // 店小蜜: async_code from AliMe, node data as JSON text, completed only at the end.
    const { gmt_time: firstNodeAt, ...firstCommand } = first!.work_order_notify_dxm_command;
    assert.deepEqual(firstCommand, { async_code: `ac-${id}`, work_order_id: id, current_node: 'accepted', input_params: '{"itemCode":"KLSJDFKLJSDF"}', completed: false });
    assert.match(firstNodeAt, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(inspecting!.work_order_notify_dxm_command.input_params, '{"inspector":"A"}');
    assert.equal(finalNotify!.work_order_notify_dxm_command.completed, true);
    assert.equal(completed!.event_id, `${id}:completed`);
    assert.equal(completed!.result_msg, '鉴定为正品');
    assert.equal(completed!.work_order_status, 'COMPLETED');
    // The closing steps all carry the moment completion arrived, whenever each call actually ran.
    assert.equal(close!.param.occur_time, Math.floor(completed!.ts / 1000));
    assert.equal(finalNotify!.work_order_notify_dxm_command.gmt_time, formatTopTime(completed!.ts));
    await saveHistory(env, workflowIdFor(id), 'happy-path');
  });

  it('on completion the final 店小蜜 notification goes first, from the workflow task that takes the completion; search sees `closing` with it', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id));
    await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
    await eventually(async () => {
      const { status, progressPending } = await client.status(id);
      return status === 'open' && progressPending === 0 ? true : undefined;
    }, 'progress sent');
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    const events = await historyOf(id);
    const signalled = events.indexOf('workflowExecutionSignaled');
    // The commands of the workflow task that reacted to completion: everything after its completion up to the next task.
    const taskCompleted = events.indexOf('workflowTaskCompleted', signalled);
    const nextTask = events.indexOf('workflowTaskScheduled', taskCompleted);
    assert.deepEqual(
      events.slice(taskCompleted + 1, nextTask).filter((event) => !event.startsWith('activityTask')),
      ['local notifyAliMe', 'upsert WorkOrderNode+WorkOrderStatus', 'schedule updateIdentificationCase'],
      'the buyer is told first, inside the task; search sees closing with it; the case closes next',
    );
  });

  it('a work order that opens with a report waiting shows `open` and the report’s node in one search update', async () => {
    const id = newWorkOrderId();
    sandbox.setFaults({ flakyIds: [id], flakyRate: 1 }); // the first call fails: opening waits for its retry, 1 s later
    try {
      await client.start(fullWorkOrder(id));
      await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
    } finally {
      sandbox.setFaults({});
    }
    const query = `WorkflowId = "${workflowIdFor(id)}" AND WorkOrderStatus = "open" AND WorkOrderNode = "inspecting"`;
    await eventually(async () => ((await env.client.workflow.count(query)).count === 1 ? true : undefined), 'search finds it open at the reported node');
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    const events = await historyOf(id);
    const firstNode = events.indexOf('local notifyAliMe');
    const reportNotified = events.indexOf('local notifyAliMe', firstNode + 1);
    assert.deepEqual(events.slice(firstNode + 1, reportNotified + 1), ['upsert WorkOrderNode+WorkOrderStatus', 'local notifyAliMe'], 'the task that ends opening upserts once, with the report’s node');
  });

  it('the first workflow task only emits the creation event; a work order records one patch marker, its reports none', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id, { historyEventLimit: 1_000 })); // one run
    await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), 'opened');
    for (const i of [1, 2, 3]) await client.reportProgress(id, { progressId: `p${i}`, node: `node-${i}` });
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    const events = await historyOf(id);
    const firstTask = events.indexOf('workflowTaskCompleted');
    assert.deepEqual(events.slice(firstTask + 1, events.indexOf('schedule emitWorkOrderEvent') + 1), ['schedule emitWorkOrderEvent'], 'the first task only emits the creation event');
    // The task that ends opening asks today's report-path patch once, tells 店小蜜 the first node and indexes `open`.
    const openingEnded = events.indexOf('workflowTaskCompleted', events.indexOf('schedule updateIdentificationCase'));
    assert.deepEqual(events.slice(openingEnded + 1, openingEnded + 5), ['patch shorter-runs', 'upsert TemporalChangeVersion', 'local notifyAliMe', 'upsert WorkOrderStatus']);
    assert.deepEqual(events.filter((event) => event.startsWith('patch')), ['patch shorter-runs'], 'one patch marker in the work order’s life');
    // Each report: one workflow task, its Update and one local activity; no activity task, no search write.
    const reports = events.slice(events.indexOf('upsert WorkOrderStatus', openingEnded) + 1, events.indexOf('workflowExecutionSignaled'));
    assert.deepEqual(
      reports.filter((event) => !event.startsWith('workflowTask')),
      [1, 2, 3].flatMap(() => ['workflowExecutionUpdateAccepted', 'workflowExecutionUpdateCompleted', 'local notifyAliMe']),
    );
    assert.equal(reports.filter((event) => event === 'workflowTaskCompleted').length, 3);
  });

  it('without identification data no case is opened or closed', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id, { identification: undefined }));
    await client.reportProgress(id, { progressId: 'p1', node: 'replying' });
    await client.complete(id, { resultMessage: '已回复' });
    assert.equal((await client.result(id)).status, 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'notify:accepted', 'notify:replying', 'notify:completed!', 'emit:completed']);
    await saveHistory(env, workflowIdFor(id), 'no-identification-case');
  });

  it('without an AliMe async_code 店小蜜 is never called; progress still moves the node', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id, { alime: undefined }));
    await client.reportProgress(id, { progressId: 'p1', node: 'shipping' });
    const status = await eventually(async () => {
      const s = await client.status(id);
      return s.currentNode === 'shipping' ? s : undefined;
    }, 'node shipping');
    assert.equal(status.progressReceived, 1);
    await client.complete(id, { resultMessage: '已处理' });
    assert.equal((await client.result(id)).status, 'completed');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'case:2', 'emit:completed']);
    await saveHistory(env, workflowIdFor(id), 'no-alime');
  });

  it('duplicates change nothing: a second start, a repeated progress report, a second completion', async () => {
    const input = fullWorkOrder();
    const id = input.workOrderId;
    const first = await client.start(input);
    const again = await client.start(input);
    assert.equal(again.workflowId, first.workflowId);
    assert.equal(again.alreadyClosed, false);
    const firstAck = await client.reportProgress(id, { progressId: 'same', node: 'n1' });
    assert.deepEqual(firstAck, { accepted: true, progressReceived: 1 });
    // The same Update id again: Temporal answers with the first outcome, the workflow sees nothing new.
    assert.deepEqual(await client.reportProgress(id, { progressId: 'same', node: 'n1' }), firstAck);
    // The same progressId by signal: the workflow recognises it.
    await client.sendProgress(id, { progressId: 'same', node: 'n1' });
    await client.sendProgress(id, { progressId: 'other', node: 'n2' });
    await eventually(async () => ((await client.status(id)).progressReceived === 2 ? true : undefined), 'second distinct report');
    await client.complete(id, { resultMessage: 'done once' });
    await client.complete(id, { resultMessage: 'done twice' });
    const final = await client.result(id);
    assert.equal(final.closingReason, 'done once');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:n1', 'notify:n2', 'notify:completed!', 'case:2', 'emit:completed']);
    const afterwards = await client.start(input);
    assert.equal(afterwards.alreadyClosed, true, 'starting a finished work order starts nothing');
    assert.equal(callsFor(sandbox, id).length, 8);
  });

  it('cancellation closes everything on TOP: case completed with a note, 店小蜜 told, event emitted', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id));
    await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
    // Sent once the report has reached 店小蜜: a cancellation while a call is in flight cuts it short (see dead-ends).
    await eventually(async () => {
      const { status, progressPending } = await client.status(id);
      return status === 'open' && progressPending === 0 ? true : undefined;
    }, 'progress sent');
    await client.cancel(id, { reason: '买家撤销申请' });
    const final = await client.result(id);
    assert.equal(final.status, 'cancelled');
    const calls = callsFor(sandbox, id);
    assert.deepEqual(calls.map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:inspecting', 'notify:cancelled!', 'case:2', 'emit:cancelled']);
    assert.equal((calls[5]!.params.param as Record<string, unknown>).operate_tips, '工单已取消: 买家撤销申请');
    assert.equal(calls[6]!.params.work_order_status, 'CANCELLED');
    await saveHistory(env, workflowIdFor(id), 'cancelled');
  });

  it('cancelling from Temporal itself (UI, CLI) closes on TOP the same way', async () => {
    const id = newWorkOrderId();
    await client.start(fullWorkOrder(id));
    await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), 'work order open');
    await env.client.workflow.getHandle(workflowIdFor(id)).cancel();
    assert.equal((await client.result(id)).status, 'cancelled');
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:cancelled!', 'case:2', 'emit:cancelled']);
  });
});
