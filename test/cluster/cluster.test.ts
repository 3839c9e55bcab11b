/**
 * The production topology, for real: the full Temporal server (frontend, history, matching, worker) on
 * PostgreSQL with SQL visibility, set up by deploy/temporal/setup.sh as docker-compose.yml sets it up.
 * Skipped, with the reason, only where the server or PostgreSQL cannot be had (`.ci/run` installs both).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { DEFAULT_TASK_QUEUE } from '../../src/work-order/temporal-names';
import { serverRestart, workerCrashes, type ChaosReport } from '../chaos/scenarios';
import { clusterBackend, clusterSkipReason, startTestCluster } from '../helpers/cluster';
import { smallSellersBehindBacklog } from '../helpers/fairness';
import { DEFAULT_SESSIONS, eventually, startProduct } from '../helpers/stack';
import { installQuietRuntime } from '../helpers/temporal';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

const assertClean = (report: ChaosReport) => {
  assert.deepEqual(report.failedOrStuck, [], report.notes.join('\n'));
  assert.equal(report.completed, report.workOrders);
  assert.equal(report.repeatsWithDifferentKeys, 0, 'every repeated TOP call carries the first call’s idempotency keys');
};

describe('on the full Temporal server with PostgreSQL', { skip: clusterSkipReason() }, async () => {
  installQuietRuntime();
  const cluster = await startTestCluster();

  it('runs a work order’s whole life and finds it by WorkOrderStatus and WorkOrderNode in SQL visibility', async () => {
    const nativeConnection = await NativeConnection.connect({ address: cluster.address });
    const connection = await Connection.connect({ address: cluster.address });
    const { sandbox, client, stop } = await startProduct({ connection, nativeConnection, namespace: cluster.namespace });
    after(async () => {
      await stop();
      await nativeConnection.close();
      await connection.close();
    });

    const input = fullWorkOrder(newWorkOrderId('CLUSTER'));
    const id = input.workOrderId;
    await client.start(input);
    // Search keeps the node of the last status change: `open` at the node it opened on, whatever reports follow.
    const found = await eventually(async () => {
      const listed = await client.list({ status: 'open', node: 'accepted', seller: 'seller-a' });
      return listed.find((summary) => summary.workOrderId === id);
    }, 'the open work order at node accepted in visibility');
    assert.equal(found.bizOrderId, input.bizOrderId);
    await client.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
    await eventually(async () => ((await client.status(id)).progressPending === 0 ? true : undefined), 'the report sent');
    const open = await client.countOpen();
    assert.ok(open.some((c) => c.status === 'open' && c.node === 'accepted' && c.count >= 1), JSON.stringify(open));

    await client.complete(id, { resultMessage: 'done', finalNode: 'finished' });
    assert.equal((await client.result(id)).status, 'completed');
    await eventually(async () => (await client.list({ status: 'completed', node: 'finished' })).find((s) => s.workOrderId === id), 'the completed work order in visibility');
    assert.deepEqual(await client.list({ status: 'open', seller: 'seller-a' }).then((l) => l.filter((s) => s.workOrderId === id)), []);
    assert.deepEqual(callsFor(sandbox, id).map(describeCall), ['emit:created', 'case:1', 'notify:accepted', 'notify:inspecting', 'notify:finished!', 'case:2', 'emit:completed']);
  });

  it("task-queue fairness, as deploy/temporal/dynamicconfig.yaml sets it: another seller's first call is served long before one seller's backlog drains", async () => {
    const nativeConnection = await NativeConnection.connect({ address: cluster.address });
    const connection = await Connection.connect({ address: cluster.address });
    // The product's own task queue, whose activity queue the dynamic config gives one partition.
    const { sandbox, client, writeSessions, stop } = await startProduct({ connection, nativeConnection, namespace: cluster.namespace }, { TEMPORAL_TASK_QUEUE: DEFAULT_TASK_QUEUE, TOP_CALLS_PER_SECOND: '10' });
    after(async () => {
      await stop();
      await nativeConnection.close();
      await connection.close();
    });
    const sellers = ['big-shop', 'small-shop-1', 'small-shop-2'];
    for (const seller of sellers) sandbox.setSession(`key-of-${seller}`, { seller });
    writeSessions({ ...DEFAULT_SESSIONS, ...Object.fromEntries(sellers.map((seller) => [seller, `key-of-${seller}`])) });

    // 10 s of backlog at 10 calls/s: still queued however slowly a busy machine gets the small sellers going.
    const { queued, aheadOfFirst, aheadOfLast, order } = await smallSellersBehindBacklog(sandbox, client, 100);
    assert.ok(queued >= 20, `a backlog was still queued (${queued} calls)`);
    assert.ok(aheadOfLast <= 0.2 * queued, `the small sellers' calls went after ${aheadOfFirst} and ${aheadOfLast} of the ${queued} queued big-shop calls: ${order}`);
  });

  it('two worker processes on one task queue, one killed with -9 mid-flight: every work order completes, repeats carry the same keys', async () => {
    assertClean(await workerCrashes(16, 1, { workers: 2, restart: false, backend: clusterBackend(cluster) }));
  });

  it('the server killed with -9 and restarted on the same database: every work order completes', async () => {
    assertClean(await serverRestart(10, { backend: clusterBackend(cluster) }));
  });

  it('PostgreSQL restarted under the running server: every work order completes', async () => {
    assertClean(await serverRestart(10, { backend: clusterBackend(cluster), fault: 'database' }));
  });
});
