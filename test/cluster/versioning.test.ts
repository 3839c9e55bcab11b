/**
 * A rolling deploy of changed workflow code with Worker Versioning, on the full server with PostgreSQL, as
 * docs/changing-workflows.md tells an operator to do it: build A (the 1.0.1 release's workflows, taken from
 * its commit) is current; build B (today's code, whose change is the shorter-runs patch) starts, is ramped,
 * made current; A is stopped; then B is rolled back to A. The deploy commands are the documented
 * `temporal worker deployment` commands.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { temporalCliPath } from '../../dev/temporal-server';
import { WorkOrderClient, workflowIdFor } from '../../src/client';
import { TopSandbox } from '../../src/sandbox/server';
import { createWorker } from '../../src/worker';
import { bundleWorkOrderWorkflows } from '../../src/worker/workflow-bundle';
import { SHORTER_RUNS } from '../../src/workflows/patches';
import { patchIdsOf } from '../helpers/histories';
import { releasedSkipReason, releasedWorkflowBundle } from '../helpers/released';
import { clusterSkipReason, startTestCluster } from '../helpers/cluster';
import { DEFAULT_SESSIONS, eventually, testWorkerConfig } from '../helpers/stack';
import { installQuietRuntime } from '../helpers/temporal';
import { callsFor, describeCall, fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

type History = temporal.api.history.v1.IHistory;
const DEPLOYMENT = 'taobao-work-orders';
const [BUILD_A, BUILD_B] = ['1.0.1', '1.1.0'] as const;
/** Build B's change: its patch. */
const BUILD_B_CHANGE = SHORTER_RUNS;

/** The build that completed each workflow task of a run, in order. */
function buildsOf(history: History): string[] {
  return (history.events ?? []).flatMap((event) => {
    const completed = event.workflowTaskCompletedEventAttributes;
    return completed ? [completed.deploymentVersion?.buildId ?? 'unversioned'] : [];
  });
}

/**
 * For each run of a work order, first first: whether it follows B's change, having taken it (its marker) or
 * carried it from the run it continues (the workflow passes the decision on, and asks no patch again).
 */
function tookOrCarried(runs: History[]): boolean[] {
  const result: boolean[] = [];
  for (const run of runs) {
    const continued = Boolean(run.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId);
    result.push(tookBuildBChange(run) || (continued && (result.at(-1) ?? false)));
  }
  return result;
}

/** Whether a run took build B's change: its patch marker is in the history. */
function tookBuildBChange(history: History): boolean {
  return patchIdsOf(history).includes(BUILD_B_CHANGE);
}

describe('rolling deploys with Worker Versioning, on the full server with PostgreSQL', { skip: clusterSkipReason() || releasedSkipReason(BUILD_A) }, async () => {
  installQuietRuntime();
  const cluster = await startTestCluster();
  const dir = mkdtempSync(join(tmpdir(), 'wo-versioning-'));
  const bundles: Record<string, string> = {};
  bundles[BUILD_A] = join(dir, `bundle-${BUILD_A}.js`);
  writeFileSync(bundles[BUILD_A], await releasedWorkflowBundle(BUILD_A));
  bundles[BUILD_B] = join(dir, `bundle-${BUILD_B}.js`);
  writeFileSync(bundles[BUILD_B], (await bundleWorkOrderWorkflows()).code);
  const sandbox = new TopSandbox();
  await sandbox.start();
  const sessionsFile = join(dir, 'sessions.json');
  writeFileSync(sessionsFile, JSON.stringify(DEFAULT_SESSIONS));
  const nativeConnection = await NativeConnection.connect({ address: cluster.address });
  const connection = await Connection.connect({ address: cluster.address });
  const temporalClient = new Client({ connection, namespace: cluster.namespace });
  const taskQueue = `work-orders-versioning-${Date.now()}`;
  const client = new WorkOrderClient(temporalClient, taskQueue);
  /** The builds whose worker runs now, by build id. */
  const running: Record<string, { stop: () => Promise<void> }> = {};
  after(async () => {
    await Promise.all(Object.values(running).map((worker) => worker.stop()));
    await nativeConnection.close();
    await connection.close();
    await sandbox.close();
  });

  /** One worker process's worth: the product's worker, as a version of the deployment. */
  const startBuild = async (build: string) => {
    const config = testWorkerConfig(sandbox, sessionsFile, {
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_METRICS_ADDRESS: 'off',
      WORKER_HEALTH_ADDRESS: 'off',
      WORKFLOW_BUNDLE_PATH: bundles[build]!,
      WORKER_DEPLOYMENT_NAME: DEPLOYMENT,
      WORKER_BUILD_ID: build,
    });
    const { worker, close } = await createWorker(config, nativeConnection, { namespace: cluster.namespace });
    const run = worker.run();
    running[build] = {
      stop: async () => {
        delete running[build];
        worker.shutdown();
        await run;
        await close();
      },
    };
  };
  /** The `temporal` CLI on the cluster, as docs/changing-workflows.md gives its commands. */
  const temporal = async (...args: string[]) => await promisify(execFile)(temporalCliPath()!, [...args, '--address', cluster.address, '--namespace', cluster.namespace]);
  const deployment = async (command: string, build: string, ...flags: string[]) =>
    await temporal('worker', 'deployment', command, '--deployment-name', DEPLOYMENT, '--build-id', build, '--yes', ...flags);
  /** A version is known to the server once its worker has polled: until then the command is refused. */
  const whenPolled = (what: string, command: () => Promise<unknown>) =>
    eventually(() => command().then(() => true, () => undefined), what);

  /** Every run of the work order, the first first. */
  const histories = async (workOrderId: string): Promise<History[]> => {
    const runs: { startTime: Date; history: History }[] = [];
    for await (const run of temporalClient.workflow.list({ query: `WorkflowId = "${workflowIdFor(workOrderId)}"` })) {
      runs.push({ startTime: run.startTime, history: await temporalClient.workflow.getHandle(run.workflowId, run.runId).fetchHistory() });
    }
    return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()).map((run) => run.history);
  };
  const open = async (prefix: string) => {
    const id = newWorkOrderId(prefix);
    await client.start(fullWorkOrder(id));
    await eventually(async () => ((await client.status(id)).status === 'open' ? true : undefined), `${id} open`);
    return id;
  };
  const reported = new Map<string, string[]>();
  const report = async (ids: string[], node: string) => {
    for (const id of ids) reported.set(id, [...(reported.get(id) ?? []), `notify:${node}`]);
    for (const id of ids) await client.reportProgress(id, { progressId: `${id}:${node}`, node });
    for (const id of ids) await eventually(async () => ((await client.status(id)).progressPending === 0 ? true : undefined), `${id} sent ${node}`);
  };
  const complete = async (ids: string[]) => {
    for (const id of ids) await client.complete(id, { resultMessage: 'done' });
    for (const id of ids) assert.equal((await client.result(id)).status, 'completed', id);
  };

  it('work orders opened on build A go on under build B once it is ramped and current, A can stop, and a rollback to A works; none fails', async (t) => {
    await startBuild(BUILD_A);
    await whenPolled('build A set current', () => deployment('set-current-version', BUILD_A));
    const openedOnA = [await open('WO-ON-A'), await open('WO-ON-A'), await open('WO-ON-A')];
    await report(openedOnA, 'inspecting');
    // Opened on A and told nothing while B is current: it never runs on B, so the rollback leaves it to A.
    const quietOnA = await open('WO-QUIET-ON-A');

    // Build B is deployed beside A and takes half of what starts while it is ramping.
    await startBuild(BUILD_B);
    await whenPolled('build B ramping', () => deployment('set-ramping-version', BUILD_B, '--percentage', '50'));
    const openedWhileRamping = [await open('WO-RAMP'), await open('WO-RAMP')];
    await deployment('set-current-version', BUILD_B);
    // Auto-upgrade: nothing is pinned to A, so it can stop as soon as B is current.
    await running[BUILD_A]!.stop();
    const openedOnB = [await open('WO-ON-B'), await open('WO-ON-B')];
    await report([...openedOnA, ...openedWhileRamping, ...openedOnB], 'inspected');
    await complete([openedOnA[0]!, openedWhileRamping[0]!, openedOnB[0]!]);

    // Rollback: A can replay no run that took B's change (a patch marker it does not know is non-determinism),
    // so those runs are pinned to B first, which keeps them until they end; then A is made current again.
    await startBuild(BUILD_A);
    const stillOpen = [openedOnA[1]!, openedOnA[2]!, openedWhileRamping[1]!, openedOnB[1]!, quietOnA];
    // The runs that took B's change, found as docs/changing-workflows.md finds them: by TemporalChangeVersion,
    // which a continued run that carries the change is given too. A run decides at its first report or 店小蜜
    // call: one begun by A keeps A's path, and one B began by continuing such a run decides at its next report.
    const tookChange = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running" AND TemporalChangeVersion = "${BUILD_B_CHANGE}"`;
    const toPin = (await Promise.all(stillOpen.map(async (id) => (tookOrCarried(await histories(id)).at(-1) ? id : undefined)))).filter((id) => id !== undefined);
    assert.ok(toPin.includes(openedOnB[1]!) && !toPin.includes(quietOnA), toPin.join(' '));
    const expected = toPin.map(workflowIdFor).sort();
    let listed: string[] = [];
    await eventually(async () => {
      listed = [];
      for await (const run of temporalClient.workflow.list({ query: tookChange })) listed.push(run.workflowId);
      return JSON.stringify(listed.sort()) === JSON.stringify(expected) ? true : undefined;
    }, 'the runs that took the change, found by their TemporalChangeVersion').catch(() => assert.deepEqual(listed, expected, 'the runs found by TemporalChangeVersion'));
    await temporal('workflow', 'update-options', '--query', tookChange,
      '--versioning-override-behavior', 'pinned', '--versioning-override-deployment-name', DEPLOYMENT, '--versioning-override-build-id', BUILD_B, '--reason', 'rollback to 1.0.1', '--yes');
    await eventually(async () => {
      const pinned = await Promise.all(toPin.map(async (id) => (await temporalClient.workflow.getHandle(workflowIdFor(id)).describe()).raw.workflowExecutionInfo?.versioningInfo?.versioningOverride));
      return pinned.every((override) => override) ? true : undefined;
    }, 'the runs that took the change pinned to B');
    await whenPolled('build A current again', () => deployment('set-current-version', BUILD_A));
    const openedAfterRollback = [await open('WO-ROLLED-BACK')];
    await report([...stillOpen, ...openedAfterRollback], 'reviewed');
    await complete([...stillOpen, ...openedAfterRollback]);

    const everyWorkOrder = [...openedOnA, quietOnA, ...openedWhileRamping, ...openedOnB, ...openedAfterRollback];
    const runsOf = new Map(await Promise.all(everyWorkOrder.map(async (id) => [id, await histories(id)] as const)));
    // Which build completed each workflow task, run by run (* marks a run that took B's change).
    t.diagnostic(everyWorkOrder.map((id) => `${id}: ${runsOf.get(id)!.map((run) => `${tookBuildBChange(run) ? '*' : ''}${buildsOf(run).join(',')}`).join(' | ')}`).join('\n'));
    for (const id of everyWorkOrder) {
      for (const run of runsOf.get(id)!) {
        const builds = buildsOf(run);
        assert.ok(!run.events!.some((event) => event.workflowTaskFailedEventAttributes), `${id}: no workflow task failed (${builds.join(' ')})`);
        // Each run follows the code its history allows: B's change never in a run A began, and a run that
        // took it, or carried it from the run before, never runs on A.
        if (builds[0] === BUILD_A) assert.ok(!tookBuildBChange(run), `${id}: a run begun by A took B's change (${builds.join(' ')})`);
      }
      tookOrCarried(runsOf.get(id)!).forEach((took, i) => {
        const builds = buildsOf(runsOf.get(id)![i]!);
        if (took) assert.ok(!builds.includes(BUILD_A), `${id}: a run with B's change ran on A (${builds.join(' ')})`);
      });
      // Every report reached 店小蜜 once, in order, and the work order closed on TOP.
      const calls = callsFor(sandbox, id).map(describeCall);
      assert.deepEqual(calls, ['emit:created', 'case:1', 'notify:accepted', ...reported.get(id)!, 'notify:completed!', 'case:2', 'emit:completed'], id);
    }
    const tasks = (id: string) => runsOf.get(id)!.flatMap(buildsOf);
    // Opened on 1.0.1 and reported there, it went on under 1.1.0 and finished there, on the path it began on…
    const finishedOnB = tasks(openedOnA[0]!);
    assert.deepEqual([finishedOnB[0], finishedOnB.includes(BUILD_B), finishedOnB.at(-1)], [BUILD_A, true, BUILD_B], finishedOnB.join(' '));
    // …others went on under 1.1.0 and back to 1.0.1 after the rollback, none pinned…
    for (const id of openedOnA.slice(1)) assert.deepEqual([tasks(id)[0], tasks(id).includes(BUILD_B), tasks(id).at(-1)], [BUILD_A, true, BUILD_A], tasks(id).join(' '));
    // …one that B never ran stayed on A throughout…
    assert.ok(tasks(quietOnA).every((build) => build === BUILD_A), tasks(quietOnA).join(' '));
    // …while one begun by B stayed on B, pinned, and a new one ran on A throughout.
    assert.ok(tasks(openedOnB[1]!).every((build) => build === BUILD_B), tasks(openedOnB[1]!).join(' '));
    assert.ok(tasks(openedAfterRollback[0]!).every((build) => build === BUILD_A), tasks(openedAfterRollback[0]!).join(' '));
  });
});
