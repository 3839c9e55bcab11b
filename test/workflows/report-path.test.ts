import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workflowIdFor } from '../../src/client';
import { WORK_ORDER_WORKFLOW_TYPE } from '../../src/work-order/messages';
import { fairnessKeyOf } from '../../src/work-order/priorities';
import { SHORTER_RUNS } from '../../src/workflows/patches';
import { ALIMI_PROGRESS_NOTIFY } from '../../src/top';
import { eventsOf, runIdsOf, saveHistory } from '../helpers/histories';
import { eventually, startStack } from '../helpers/stack';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

/**
 * A progress report's 店小蜜 call goes inside the workflow task (a local activity) and hands over to a
 * regular activity whenever that one attempt does not succeed: nothing is lost, sent twice or held in a
 * workflow task.
 */
describe('the report path: a local activity first, a regular activity when that is not enough', async () => {
  const { sandbox, client, env, config } = await startStack();

  const opened = async (id: string) => {
    await client.start(fullWorkOrder(id, { identification: undefined, historyEventLimit: 1_000 }));
    await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), `${id} open`);
  };
  const sent = async (id: string, count: number) =>
    await eventually(async () => ((await client.status(id)).progressPending === 0 && (await client.status(id)).progressReceived === count ? true : undefined), `${id}: ${count} reports sent`);
  const notified = (id: string) => callsFor(sandbox, id).filter((call) => call.method === ALIMI_PROGRESS_NOTIFY).map(describeCall);

  it('a report whose local attempt meets transient trouble goes on as a regular activity, and reaches 店小蜜 once, in order', async () => {
    const id = newWorkOrderId('WO-LA-FLAKY');
    await opened(id);
    sandbox.setFaults({ flakyIds: [id], flakyRate: 1 });
    try {
      await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
      await eventually(async () => ((await eventsOf(env, workflowIdFor(id))).includes('schedule notifyAliMe') ? true : undefined), 'handed to a regular activity');
    } finally {
      sandbox.setFaults({});
    }
    await client.reportProgress(id, { progressId: 'p2', node: 'inspected' });
    await sent(id, 2);
    const events = (await eventsOf(env, workflowIdFor(id))).filter((event) => event.includes('notifyAliMe'));
    // The first node, the failed local attempt, the regular activity that took over, the next report.
    assert.deepEqual(events, ['local notifyAliMe', 'local notifyAliMe', 'schedule notifyAliMe', 'local notifyAliMe']);
    assert.deepEqual(notified(id), ['notify:accepted', 'notify:inspecting', 'notify:inspected']);
    const { events: raw } = await env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
    const scheduled = raw!.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyAliMe')!;
    const summary = JSON.parse(Buffer.from(scheduled.userMetadata!.summary!.data!).toString());
    assert.match(summary, /by activity after TopError:transient/, 'the UI says why the call went by activity');
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    await saveHistory(env, workflowIdFor(id), 'report-by-activity-after-local-failure');
  });

  it('TOP refusing a report for good fails the step for an operator, whose retry sends it from inside a workflow task again', async () => {
    const id = newWorkOrderId('WO-LA-BIZ');
    await opened(id);
    sandbox.setFaults({ businessErrorIds: [id] });
    try {
      await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
      const failed = await eventually(async () => {
        const view = await client.status(id);
        return view.status === 'failed' ? view : undefined;
      }, 'the step failed');
      assert.deepEqual([failed.lastError?.step, failed.lastError?.type], ['notify-node', 'TopError:business']);
    } finally {
      sandbox.setFaults({});
    }
    assert.equal((await client.retry(id)).retried, true);
    await sent(id, 1);
    // The refused attempt and the retried one, both local: a permanent refusal is not handed to an activity.
    assert.deepEqual((await eventsOf(env, workflowIdFor(id))).filter((event) => event.includes('notifyAliMe')), ['local notifyAliMe', 'local notifyAliMe', 'local notifyAliMe']);
    assert.deepEqual(notified(id), ['notify:accepted', 'notify:inspecting']);
    await client.cancel(id, { reason: 'test over' });
  });

  it('a call a ban would hold is not held in the workflow task: unsent, it waits out the ban as a regular activity', async () => {
    const [a, b, c] = [newWorkOrderId('WO-LA-BAN'), newWorkOrderId('WO-LA-BAN'), newWorkOrderId('WO-LA-BAN')];
    await Promise.all([a, b, c].map(opened));
    sandbox.setFaults({ rateLimit: { callsPerSecond: 1, banSeconds: 4 } });
    try {
      // Two reports in the same second: the second call trips the app's ban, which the worker now knows of.
      await Promise.all([a, b].map((id) => client.reportProgress(id, { progressId: 'p1', node: 'inspecting' })));
      assert.equal(sandbox.calls({ outcome: 'rate-limited' }).length, 1, 'one call refused by the ban');
      await client.reportProgress(c, { progressId: 'p1', node: 'inspecting' });
      await Promise.all([a, b, c].map((id) => sent(id, 1)));
    } finally {
      sandbox.setFaults({});
    }
    // c's call never reached TOP while banned: held back in the worker, then sent once by a regular activity.
    assert.equal(callsFor(sandbox, c, undefined).filter((call) => call.outcome !== 'ok').length, 0);
    assert.deepEqual(notified(c), ['notify:accepted', 'notify:inspecting']);
    assert.deepEqual((await eventsOf(env, workflowIdFor(c))).filter((event) => event.includes('notifyAliMe')), ['local notifyAliMe', 'local notifyAliMe', 'schedule notifyAliMe']);
    await Promise.all([a, b, c].map((id) => client.cancel(id, { reason: 'test over' })));
  });

  it('continued runs keep the local path without asking the patch again: each run inherits the fairness key and carries the decision', async () => {
    const id = newWorkOrderId('WO-LA-CAN');
    await client.start(fullWorkOrder(id, { identification: undefined, historyEventLimit: 12 }));
    for (const i of [1, 2, 3, 4, 5]) await client.reportProgress(id, { progressId: `p${i}`, node: `node-${i}` });
    await sent(id, 5);
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    const runs = await runIdsOf(env, workflowIdFor(id));
    assert.ok(runs.length >= 3, `continued as new (${runs.length} runs)`);
    const histories = await Promise.all(runs.map((runId) => eventsOf(env, workflowIdFor(id), runId)));
    const all = histories.flat();
    assert.equal(all.filter((event) => event.startsWith('patch')).length, 1, 'one patch marker over all the runs');
    assert.equal(all.filter((event) => event === 'schedule notifyAliMe').length, 0, 'every 店小蜜 call from inside a workflow task');
    assert.equal(all.filter((event) => event === 'local notifyAliMe').length, 7, 'the first node, five reports, the final node');
    assert.deepEqual(notified(id), ['notify:accepted', 'notify:node-1', 'notify:node-2', 'notify:node-3', 'notify:node-4', 'notify:node-5', 'notify:completed!']);
    // Every run, the continued ones too, is found by the patch, as a rollback looks for them (docs/changing-workflows.md).
    const query = `WorkflowId = "${workflowIdFor(id)}" AND TemporalChangeVersion = "${SHORTER_RUNS}"`;
    assert.equal((await env.client.workflow.count(query)).count, runs.length);
  });

  it('a run started without the seller as its fairness key sends its reports as regular activities, which carry the key', async () => {
    const input = fullWorkOrder(newWorkOrderId('WO-LA-NOKEY'), { identification: undefined });
    const id = input.workOrderId;
    // A backend that leaves out the contract's start priority.
    await env.client.workflow.start(WORK_ORDER_WORKFLOW_TYPE, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: workflowIdFor(id), args: [input] });
    await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
    await sent(id, 1);
    const events = await eventsOf(env, workflowIdFor(id));
    assert.deepEqual(events.filter((event) => event.includes('notifyAliMe')), ['schedule notifyAliMe', 'schedule notifyAliMe']);
    const { events: raw } = await env.client.workflow.getHandle(workflowIdFor(id)).fetchHistory();
    const keys = raw!.flatMap((event) => event.activityTaskScheduledEventAttributes?.priority?.fairnessKey ?? []);
    assert.deepEqual(new Set(keys), new Set([fairnessKeyOf(input.seller)]));
    assert.deepEqual(notified(id), ['notify:accepted', 'notify:inspecting']);
    await client.complete(id, { resultMessage: 'done' });
    await client.result(id);
    await saveHistory(env, workflowIdFor(id), 'reports-without-fairness-key');
  });
});
