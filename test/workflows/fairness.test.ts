import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedCall } from '../../src/sandbox/recorder';
import { temporal } from '@temporalio/proto';
import { ALIMI_PROGRESS_NOTIFY } from '../../src/top';
import { CALL_PRIORITY, fairnessKeyOf, PROMOTED_AFTER_MS } from '../../src/work-order/priorities';
import { workflowIdFor } from '../../src/work-order/temporal-names';
import type { WorkOrderInputRaw } from '../../src/work-order/schemas';
import { WORK_ORDER_WORKFLOW_TYPE } from '../../src/work-order/messages';
import { bookkeepingOnly, createdEvents, smallSellersBehindBacklog } from '../helpers/fairness';
import { DEFAULT_SESSIONS, eventually, startStack } from '../helpers/stack';
import { firstWorkflowTask } from '../../bench/lib/history';
import { belongsTo, callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/**
 * Who gets the app's quota first while calls are backlogged, on a dev server with task-queue fairness on
 * (as every Temporal we start has it): each seller its share, the buyer's final notification first. The
 * quota is 10 calls/s here, so a backlog of 40 calls takes about 4 s to drain; the tests assert the order
 * and counts the sandbox received, never wall-clock limits.
 */
describe('sale day: fair shares per seller and the buyer first, under one app quota', async () => {
  const { env, config, sandbox, client, writeSessions } = await startStack({ TOP_CALLS_PER_SECOND: '10', TOP_SELLER_WEIGHTS: '{"heavy-shop":3}' }, { temporal: { fairness: process.env.FAIRNESS_OFF !== '1' } });
  const sellers = ['big-shop', 'small-shop-1', 'small-shop-2', 'heavy-shop', 'light-shop'];
  for (const seller of sellers) sandbox.setSession(`key-of-${seller}`, { seller });
  writeSessions({ ...DEFAULT_SESSIONS, ...Object.fromEntries(sellers.map((seller) => [seller, `key-of-${seller}`])) });

  const sellerOf = (call: RecordedCall) => call.seller;

  it("another seller's first calls are served long before one seller's backlog drains", async () => {
    const { queued, aheadOfFirst, aheadOfLast, order } = await smallSellersBehindBacklog(sandbox, client, 60);
    // In arrival order the rest of the backlog goes first (41 of 48 measured with fairness off). With fair
    // shares the small sellers interleave: only the calls the worker already holds (half a second of budget)
    // go ahead, 4–5 of 54 measured. With four partitions, each keeping its own shares, it was up to 24 of 51.
    assert.ok(queued >= 20, `a backlog was still queued (${queued} calls)`);
    assert.ok(aheadOfFirst <= 0.2 * queued, `the first small seller's call went after ${aheadOfFirst} of the ${queued} queued big-shop calls: ${order}`);
    assert.ok(aheadOfLast <= 0.2 * queued, `the last small seller's call went after ${aheadOfLast} of the ${queued} queued big-shop calls: ${order}`);
  });

  it('a final 店小蜜 notification overtakes the lower-priority calls queued before it', async () => {
    const buyer = fullWorkOrder(newWorkOrderId('WO-FINAL'), { seller: 'big-shop', identification: undefined });
    await client.start(buyer);
    await eventually(async () => ((await client.status(buyer.workOrderId)).status === 'open' ? true : undefined), 'the buyer’s work order open');
    const before = createdEvents(sandbox).length;
    // Same seller, so fairness plays no part: only priority can let the final notification through first.
    const backlog = Array.from({ length: 40 }, () => bookkeepingOnly('big-shop', 'WO-QUEUED'));
    await Promise.all(backlog.map((input) => client.start(input)));
    // Every call of the backlog scheduled (each workflow past its first task) before the completion arrives.
    await eventually(async () => ((await Promise.all(backlog.map((input) => client.status(input.workOrderId)))).every((view) => view.waitingFor.startsWith('TOP: ') || view.onTop.createdEvent === 'yes') ? true : undefined), 'the backlog queued');
    assert.ok(createdEvents(sandbox).length - before < 30, 'most of the backlog still queued');
    await client.complete(buyer.workOrderId, { resultMessage: '鉴定为正品' });
    await eventually(() => (createdEvents(sandbox).length - before === 40 ? true : undefined), 'the backlog drained', 60_000);
    await client.result(buyer.workOrderId);

    const finalAt = callsFor(sandbox, buyer.workOrderId).find((call) => describeCall(call) === 'notify:completed!')!.seq;
    const queuedAfterFinal = createdEvents(sandbox).slice(before).filter((call) => call.seq > finalAt).length;
    assert.ok(queuedAfterFinal >= 15, `the final notification went ahead of ${queuedAfterFinal} of the 40 queued calls`);
    await Promise.all(backlog.map((input) => client.cancel(input.workOrderId, { reason: 'test over' })));
  });

  it("a seller's weight changes its share of a backlogged quota", async () => {
    const before = createdEvents(sandbox).length;
    const orders = [...Array.from({ length: 30 }, () => bookkeepingOnly('heavy-shop', 'WO-HEAVY')), ...Array.from({ length: 30 }, () => bookkeepingOnly('light-shop', 'WO-LIGHT'))];
    // Interleaved starts, so arrival order alone would give each about half.
    const interleaved = orders.slice(0, 30).flatMap((heavy, i) => [heavy, orders[30 + i]!]);
    await Promise.all(interleaved.map((input) => client.start(input)));
    await eventually(() => (createdEvents(sandbox).length - before === 60 ? true : undefined), 'every created event sent', 60_000);
    // Weighted 3 : 1 while both are backlogged: count the middle of the run, once the queue has formed.
    const middle = createdEvents(sandbox).slice(before + 10, before + 34).map(sellerOf);
    const heavy = middle.filter((seller) => seller === 'heavy-shop').length;
    assert.ok(heavy >= 15, `heavy-shop (weight 3) had ${heavy} of 24 calls, light-shop ${middle.length - heavy}: ${middle.join(' ')}`);
    await Promise.all(orders.map((input) => client.cancel(input.workOrderId, { reason: 'test over' })));
  });

  it("a burst of one seller's new work orders waits on the server, where fairness applies, not inside the worker", async () => {
    const burst = Array.from({ length: 60 }, () => bookkeepingOnly('big-shop', 'WO-BURST'));
    await Promise.all(burst.map((input) => client.start(input)));
    // Every work order past its first task (which schedules its created event), each history read once.
    await eventually(() => (createdEvents(sandbox).filter((call) => burst.some((input) => belongsTo(call, input.workOrderId))).length === burst.length ? true : undefined), 'every created event sent', 60_000);
    // Each work order's first workflow task, from the worker taking it to its answer (the server's clock).
    const held = await Promise.all(burst.map(async (input) => firstWorkflowTask(await env.client.workflow.getHandle(workflowIdFor(input.workOrderId)).fetchHistory())!));
    // The most the worker held at once. With the SDK's default of 40 slots it held 31 of this burst at once
    // (measured), each waiting in arrival order for the one workflow thread, outside the server's fairness.
    const mostAtOnce = Math.max(...held.map(({ takenAt }) => held.filter((other) => other.takenAt <= takenAt && other.answeredAt > takenAt).length));
    assert.ok(mostAtOnce <= config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, `the worker held ${mostAtOnce} of the burst's first workflow tasks at once`);
    await Promise.all(burst.map((input) => client.cancel(input.workOrderId, { reason: 'test over' })));
  });
});

describe('sale day: fair shares for a backend on another SDK that starts work orders as the contract says', async () => {
  const { env, config, sandbox, writeSessions } = await startStack({}, { temporal: { fairness: process.env.FAIRNESS_OFF !== '1' } });
  const sellers = ['big-shop', 'small-shop-1', 'small-shop-2'];
  for (const seller of sellers) sandbox.setSession(`key-of-${seller}`, { seller });
  writeSessions({ ...DEFAULT_SESSIONS, ...Object.fromEntries(sellers.map((seller) => [seller, `key-of-${seller}`])) });

  /**
   * Starts a burst of one seller's work orders with Temporal's own client (no WorkOrderClient), then two
   * other sellers' work orders; counts the burst's first workflow tasks the worker took after each small
   * seller's work order had started and before its own first task.
   */
  async function burstThenSmall(fairnessKey: (seller: string) => string | undefined) {
    const start = (input: WorkOrderInputRaw) =>
      env.client.workflow.start(WORK_ORDER_WORKFLOW_TYPE, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: workflowIdFor(input.workOrderId),
        args: [input],
        priority: { fairnessKey: fairnessKey(input.seller) },
      });
    const burst = Array.from({ length: 150 }, () => bookkeepingOnly('big-shop', 'WO-RAW-BURST'));
    await Promise.all(burst.map(start));
    const small = [bookkeepingOnly('small-shop-1', 'WO-RAW-SMALL'), bookkeepingOnly('small-shop-2', 'WO-RAW-SMALL')];
    await Promise.all(small.map(start));
    const firstTasks = async (inputs: WorkOrderInputRaw[]) =>
      await eventually(async () => {
        const histories = await Promise.all(inputs.map(async (input) => await env.client.workflow.getHandle(workflowIdFor(input.workOrderId)).fetchHistory()));
        const tasks = histories.map((history) => ({ startedAt: Number(history.events![0]!.eventTime!.seconds) * 1000 + Math.floor((history.events![0]!.eventTime!.nanos ?? 0) / 1e6), task: firstWorkflowTask(history) }));
        return tasks.every((t) => t.task) ? tasks.map((t) => ({ startedAt: t.startedAt, takenAt: t.task!.takenAt })) : undefined;
      }, 'every first workflow task taken', 60_000);
    const bigTaken = (await firstTasks(burst)).map((t) => t.takenAt);
    const ahead = (await firstTasks(small)).map(({ startedAt, takenAt }) => ({
      queued: bigTaken.filter((at) => at > startedAt).length,
      ahead: bigTaken.filter((at) => at > startedAt && at < takenAt).length,
    }));
    await Promise.all([...burst, ...small].map((input) => env.client.workflow.getHandle(workflowIdFor(input.workOrderId)).terminate('test over')));
    return ahead;
  }

  it('with the seller as the start’s fairness key, the small sellers’ work orders open ahead of the burst’s backlog; without it, behind it', async () => {
    const fair = await burstThenSmall(fairnessKeyOf);
    const unfair = await burstThenSmall(() => undefined);
    // The control: in arrival order the small sellers wait behind most of the backlog.
    for (const { queued, ahead } of unfair) assert.ok(queued >= 20 && ahead >= 0.5 * queued, `without the key: ${ahead} of ${queued} queued went ahead`);
    for (const { queued, ahead } of fair) assert.ok(queued >= 20 && ahead <= 0.2 * queued, `with the key: ${ahead} of ${queued} queued went ahead`);
  });
});

describe('sale day: a per-seller ceiling', async () => {
  const { sandbox, client, writeSessions } = await startStack({ TOP_CALLS_PER_SECOND: '50', TOP_SELLER_CALLS_PER_SECOND: '2' });
  sandbox.setSession('key-of-runaway-shop', { seller: 'runaway-shop' });
  writeSessions({ ...DEFAULT_SESSIONS, 'runaway-shop': 'key-of-runaway-shop' });

  it('holds one seller to TOP_SELLER_CALLS_PER_SECOND however much of the budget is free', async () => {
    const orders = Array.from({ length: 12 }, () => fullWorkOrder(newWorkOrderId('WO-RUNAWAY'), { seller: 'runaway-shop', identification: undefined, alime: undefined }));
    await Promise.all(orders.map((input) => client.start(input)));
    const sent = await eventually(() => {
      const calls = sandbox.calls({ outcome: 'ok' }).filter((call) => orders.some((input) => belongsTo(call, input.workOrderId)));
      return calls.length === orders.length ? calls : undefined;
    }, 'every created event sent', 60_000);
    const seconds = (sent.at(-1)!.receivedAt - sent[0]!.receivedAt) / 1000;
    // 12 calls at 2/s take about 5.5 s (a burst of a call or two aside); the budget of 50/s would send them at once.
    assert.ok(seconds >= 3.5, `12 calls of one seller over ${seconds.toFixed(1)} s`);
    await Promise.all(orders.map((input) => client.cancel(input.workOrderId, { reason: 'test over' })));
  });
});

describe('sale day: a low priority is delayed, never starved', async () => {
  // 2 calls/s: the worker holds 4 calls (its minimum), the rest of a backlog stays on the server.
  const { env, sandbox, client } = await startStack({ TOP_CALLS_PER_SECOND: '2' });

  it(`a bookkeeping call queued behind a sustained burst of notifications goes first once it has waited ${PROMOTED_AFTER_MS / 1000} s`, async () => {
    // Ten open work orders, each with twelve reports queued: 120 店小蜜 notifications (priority 2), about 60 s
    // of the quota, with always more than the worker holds waiting on the server (each work order sends its
    // reports one after another, so about ten are queued at any moment).
    const busy = Array.from({ length: 10 }, () => fullWorkOrder(newWorkOrderId('WO-BURST'), { identification: undefined }));
    await Promise.all(busy.map((input) => client.start(input)));
    await eventually(async () => ((await Promise.all(busy.map((input) => client.status(input.workOrderId)))).every((view) => view.status === 'open') ? true : undefined), 'the burst’s work orders open', 60_000);
    // Each work order's reports one after another, as a backend sends a work order's progress: all its twelve
    // are accepted within a second, and go to 店小蜜 over the next minute.
    await Promise.all(busy.map(async (input) => {
      for (let i = 0; i < 12; i++) await client.reportProgress(input.workOrderId, { progressId: `p${i}`, node: `node-${i}` });
    }));
    const notifications = () => sandbox.calls({ outcome: 'ok' }).filter((call) => call.method === ALIMI_PROGRESS_NOTIFY && busy.some((input) => belongsTo(call, input.workOrderId)));
    const notifiedBefore = notifications().length;

    // Its one call to open, the Qianniu event, is bookkeeping (priority 3): below every notification.
    const late = fullWorkOrder(newWorkOrderId('WO-LATE'), { identification: undefined, alime: undefined });
    await client.start(late);
    const [created] = await eventually(() => {
      const calls = callsFor(sandbox, late.workOrderId);
      return calls.length > 0 ? calls : undefined;
    }, 'the late work order’s Qianniu event sent', 90_000);
    // Each busy work order's first node, then its twelve reports.
    await eventually(() => (notifications().length === busy.length * 13 ? true : undefined), 'the rest of the burst sent', 90_000);
    const notifiedAfter = notifications().filter((call) => call.seq > created!.seq).length;
    const notifiedWhileWaiting = notifications().filter((call) => call.seq < created!.seq).length - notifiedBefore;

    // Promoted, not merely drained: the first attempt timed out on the queue, the second was scheduled first.
    const { events } = await env.client.workflow.getHandle(workflowIdFor(late.workOrderId)).fetchHistory();
    const timedOut = events!.filter((event) => event.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType === temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    const priorities = events!.filter((event) => event.activityTaskScheduledEventAttributes).map((event) => event.activityTaskScheduledEventAttributes!.priority?.priorityKey);
    assert.equal(timedOut.length, 1, 'one Schedule-To-Start timeout');
    assert.deepEqual(priorities, [CALL_PRIORITY.bookkeeping, CALL_PRIORITY.finalNotification]);
    assert.ok(notifiedWhileWaiting >= 40, `it waited behind the notifications (${notifiedWhileWaiting} went first)`);
    assert.ok(notifiedAfter >= 5, `then went ahead of the notifications still queued (${notifiedAfter} after it)`);
    await Promise.all([...busy, late].map((input) => client.cancel(input.workOrderId, { reason: 'test over' })));
  });
});
