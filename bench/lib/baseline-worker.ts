/**
 * The baseline's worker, built like src/worker.ts builds ours: the same workflow interceptors
 * (OpenTelemetry, recording nothing), cache, and task-queue options; only the workflow and activities
 * differ. Run as its own process it reads TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, WORKER_MAX_CACHED_WORKFLOWS and
 * WORKER_METRICS_ADDRESS.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createTracing, WORKFLOW_INTERCEPTOR_MODULES } from '../../src/worker/tracing';
import * as activities from './baseline-activities';

export async function createBaselineWorker(connection: NativeConnection, taskQueue: string, maxCachedWorkflows: number, namespace?: string): Promise<Worker> {
  const tracing = createTracing({ serviceName: 'baseline' });
  return await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./baseline-work-order'),
    activities,
    interceptors: { activity: [tracing.activityInterceptor], workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES] },
    sinks: tracing.sinks,
    maxEagerActivityReservationsPerWorkflowTask: 0,
    maxCachedWorkflows,
    shutdownGraceTime: 2_000,
  });
}

async function main(): Promise<void> {
  // Prometheus metrics when asked for, as ours has them, so benchmarks can read both workers' SDK metrics.
  const metrics = process.env.WORKER_METRICS_ADDRESS;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    ...(metrics && metrics !== 'off' ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } } : {}),
  });
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? 'bench-baseline';
  const worker = await createBaselineWorker(connection, taskQueue, Number(process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 500), namespace);
  console.log(`worker on task queue ${taskQueue}`);
  await worker.run();
  await connection.close();
}

if (require.main === module) void main();
