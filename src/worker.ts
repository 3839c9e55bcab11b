/**
 * `npm run worker`: the work-order worker. One TOP client (one connection pool) per process.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/work-order-activities';
import { FileSessionStore } from './activities/sessions';
import { topFailureInterceptor } from './activities/top-failures';
import { QuotaUsers } from './activities/quota-users';
import { topFlowMetrics, topMetricsInterceptor } from './activities/top-metrics';
import { codecFromEnvironment, encryptingDataConverter } from './codec/aes-gcm-codec';
import { activitySlots, loadConfig, type Config } from './worker/config';
import { WorkOrderClient } from './client';
import { watchForFatalStop } from './worker/fatal-stop';
import { startHealthServer } from './worker/health';
import { ServerReachability } from './worker/server-reachability';
import { createLogger } from './worker/logging';
import { reportOpenWorkOrders } from './worker/open-work-orders-gauge';
import { resumeReauthorizedSellers } from './worker/reauthorization';
import { applySellerShares } from './worker/task-queue-shares';
import { TopClient } from './top';
import { createTracing, otlpSpanProcessor, otlpTracesEndpoint, WORKFLOW_INTERCEPTOR_MODULES, type Tracing } from './worker/tracing';
import { PRELOADED_WORKFLOW_MODULES } from './worker/workflow-bundle';

export interface RunningWorker {
  worker: Worker;
  top: TopClient;
  sessions: FileSessionStore;
  /** Which sellers this worker's TOP calls went to most (served as `GET /quota`). */
  quotaUsers: QuotaUsers;
  /** Once the worker has stopped: stops resuming re-authorized sellers' work orders and closes the TOP client. */
  close: () => Promise<void>;
}

export interface WorkerExtras {
  namespace?: string;
  /** Tracing for this process; by default the interceptors run but record nothing. */
  tracing?: Tracing;
}

/** Builds the worker on a connection; the caller runs it and calls `close` when it has stopped. */
export async function createWorker(config: Config, connection: NativeConnection, { namespace, tracing = createTracing({ serviceName: config.OTEL_SERVICE_NAME }) }: WorkerExtras = {}): Promise<RunningWorker> {
  const { metricMeter: meter, logger } = Runtime.instance();
  const sessions = new FileSessionStore(config.TOP_SESSIONS_FILE);
  await sessions.check();
  sessions.onProblemChanged((problem) => {
    if (problem) logger.warn('the sessions file cannot be used; its last good copy answers until it is fixed', { problem });
    else logger.info('the sessions file is good again');
  });
  const top = new TopClient({
    gatewayUrl: config.TOP_GATEWAY_URL,
    appKey: config.TOP_APP_KEY,
    appSecret: config.TOP_APP_SECRET,
    signMethod: config.TOP_SIGN_METHOD,
    requestTimeoutMs: config.TOP_REQUEST_TIMEOUT_MS,
    connections: config.TOP_CONNECTIONS,
    callsPerSecond: config.TOP_CALLS_PER_SECOND,
    share: { count: config.TOP_WORKER_COUNT, index: config.TOP_WORKER_INDEX },
    flowObserver: topFlowMetrics(meter),
    otherSecrets: () => sessions.knownKeys(),
  });
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> = config.WORKFLOW_BUNDLE_PATH
    ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } }
    : { workflowsPath: require.resolve('./workflows'), bundlerOptions: { preloadModules: [...PRELOADED_WORKFLOW_MODULES] } };
  await applySellerShares(connection, namespace ?? 'default', config.TEMPORAL_TASK_QUEUE, { weights: config.TOP_SELLER_WEIGHTS, perSellerCallsPerSecond: config.TOP_SELLER_CALLS_PER_SECOND });
  const quotaUsers = new QuotaUsers();
  const codec = codecFromEnvironment(config);
  const dataConverter = codec ? encryptingDataConverter(codec) : undefined;
  const worker = await Worker.create({
    connection,
    namespace,
    dataConverter,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...workflows,
    activities: createActivities({ top, sessions, statusCodes: config.TOP_WORK_ORDER_STATUS_CODES, localCalls: config.TOP_SELLER_CALLS_PER_SECOND === undefined }),
    interceptors: {
      // Outermost first: the span covers the whole attempt; the retry decision wraps the metrics, which
      // still see the original TopError.
      activity: [tracing.activityInterceptor, topFailureInterceptor, topMetricsInterceptor(meter, quotaUsers)],
      // Only used when bundling here; a prebuilt bundle has them built in (scripts/bundle-workflows.ts).
      workflowModules: config.WORKFLOW_BUNDLE_PATH ? undefined : [...WORKFLOW_INTERCEPTOR_MODULES],
    },
    sinks: tracing.sinks,
    // The TOP app's call budget: capped by the server for the whole task queue, across workers, and paced
    // evenly by each worker's TOP client (the server dispatches in bursts that would trip a per-second window).
    maxTaskQueueActivitiesPerSecond: config.TOP_CALLS_PER_SECOND,
    // Eagerly executed activities skip the server's task-queue dispatch, and with it the rate limit above.
    maxEagerActivityReservationsPerWorkflowTask: 0,
    maxConcurrentActivityTaskExecutions: activitySlots(config),
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    // Bounded explicitly: the default is a heap heuristic, and a workflow-thread OOM kills the worker.
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_MS,
    workerDeploymentOptions: deploymentVersion(config),
    // Non-determinism is left to the SDK default on purpose: the workflow task is retried (and shows
    // as failing in the UI) until a fixed worker is deployed; the work order is never failed or lost.
  });
  const workOrders = new WorkOrderClient(new Client({ connection, namespace, dataConverter }), config.TEMPORAL_TASK_QUEUE);
  const reauthorizations = resumeReauthorizedSellers(sessions, workOrders, meter, config.TOP_SESSIONS_CHECK_INTERVAL_MS, logger);
  return {
    worker,
    top,
    sessions,
    quotaUsers,
    close: async () => {
      await reauthorizations.stop();
      await top.close();
    },
  };
}

/**
 * As a version of a Worker Deployment, when configured. Work orders auto-upgrade: each moves to the current
 * version at its next workflow task, so an old build drains at once instead of after the days a work order
 * stays open (pinned runs would hold every old build until each of its work orders continued as new or
 * closed); the price is that every workflow change is patched (docs/changing-workflows.md).
 */
function deploymentVersion(config: Config): WorkerOptions['workerDeploymentOptions'] {
  if (config.WORKER_DEPLOYMENT_NAME === undefined || config.WORKER_BUILD_ID === undefined) return undefined;
  return {
    useWorkerVersioning: true,
    version: { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId: config.WORKER_BUILD_ID },
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  };
}

/** How long a worker that stopped on its own may take to wind down before its process exits. */
const FATAL_EXIT_WITHIN_MS = 5_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger();
  Runtime.install({
    logger,
    ...(config.WORKER_METRICS_ADDRESS === 'off' ? {} : { telemetryOptions: { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } } }),
  });
  const tracing = createTracing({ serviceName: config.OTEL_SERVICE_NAME, spanProcessor: otlpSpanProcessor(config) });
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const connection = await NativeConnection.connect(connectionOptions);
  const { worker, quotaUsers, sessions, close } = await createWorker(config, connection, { namespace, tracing });
  // What /readyz answers, as a gauge too: Prometheus alerts on it (deploy/alerts/work-orders.yml).
  const ready = Runtime.instance().metricMeter.createGauge('worker_ready', 'int', 'worker', '1 while the worker is RUNNING, reaches its Temporal frontend and can read its sessions file, else 0');
  const reachability = new ServerReachability(connection, (reachable) => ready.set(reachable && worker.getState() === 'RUNNING' && !sessions.problem ? 1 : 0));
  reachability.start();
  const fatalStop = watchForFatalStop(worker, (why) => {
    ready.set(0);
    logger.error(`${why}: exiting, for the supervisor to start it again`, { cause: logger.lastError() ?? 'not logged' });
    // run() may wait for its polls to end first: the process exits failed either way, within a bound.
    process.exitCode = 1;
    setTimeout(() => process.exit(1), FATAL_EXIT_WITHIN_MS);
  });
  const health =
    config.WORKER_HEALTH_ADDRESS === 'off'
      ? undefined
      : await startHealthServer({ worker, server: reachability, fatal: () => fatalStop.fatal, problems: () => [sessions.problem], quota: () => quotaUsers.report() }, config.WORKER_HEALTH_ADDRESS);
  const openGauge =
    config.WORKER_METRICS_ADDRESS === 'off'
      ? undefined
      : reportOpenWorkOrders(new WorkOrderClient(new Client({ connection, namespace })), Runtime.instance().metricMeter, config.WORKER_OPEN_WORK_ORDERS_INTERVAL_MS, logger);
  // Announced once the health and metrics endpoints listen: supervisors and tests take this line as "started".
  logger.info(`worker on task queue ${config.TEMPORAL_TASK_QUEUE}`, {
    temporal: connectionOptions.address ?? 'localhost:7233',
    namespace: namespace ?? 'default',
    gateway: config.TOP_GATEWAY_URL,
    metrics: config.WORKER_METRICS_ADDRESS,
    health: config.WORKER_HEALTH_ADDRESS,
    tracing: otlpTracesEndpoint(config) ?? 'off',
  });
  try {
    await worker.run(); // the SDK shuts down gracefully on SIGINT/SIGTERM
  } finally {
    fatalStop.stop();
    await openGauge?.stop();
    await health?.close();
    await reachability.stop();
    await tracing.shutdown();
    await close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
