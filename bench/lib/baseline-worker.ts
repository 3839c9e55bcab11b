/**
 * The baseline's worker as its own process, built like src/worker.ts builds ours: the same workflow
 * interceptors (OpenTelemetry, recording nothing), cache, and task-queue options; only the workflow and
 * activities differ. Reads TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE and WORKER_MAX_CACHED_WORKFLOWS.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createTracing, WORKFLOW_INTERCEPTOR_MODULES } from '../../src/tracing';
import * as activities from './baseline-activities';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  const tracing = createTracing({ serviceName: 'baseline' });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-baseline',
    workflowsPath: require.resolve('./baseline-work-order'),
    activities,
    interceptors: { activity: [tracing.activityInterceptor], workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES] },
    sinks: tracing.sinks,
    maxEagerActivityReservationsPerWorkflowTask: 0,
    maxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 500),
    shutdownGraceTime: 2_000,
  });
  console.log(`worker on task queue ${process.env.TEMPORAL_TASK_QUEUE ?? 'bench-baseline'}`);
  await worker.run();
  await connection.close();
}

void main();
