import { z } from 'zod';
import { codecFromEnvironment } from '../codec/aes-gcm-codec';
import { describeIssues } from '../common/zod-issues';
import { SIGN_METHODS } from '../top';
import { DEFAULT_STATUS_CODES, WORK_ORDER_EVENT_KINDS, type WorkOrderStatusCodes } from '../work-order/events';
import { DEFAULT_TASK_QUEUE } from '../work-order/temporal-names';

/**
 * The worker's configuration, read once from the environment and validated at start-up. Temporal's own
 * connection settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS) are read by
 * @temporalio/envconfig the way every Temporal tool reads them; everything else is here.
 */
const positiveInt = (fallback: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').default(fallback);

/** Empty counts as unset, so `OTEL_EXPORTER_OTLP_ENDPOINT=` turns tracing off. */
const otlpEndpoint = (example: string) =>
  z.preprocess((value) => (value === '' ? undefined : value), z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` }).optional());

const statusCodes = z
  .string()
  .transform((text, ctx): WorkOrderStatusCodes => {
    try {
      return { ...DEFAULT_STATUS_CODES, ...z.record(z.enum(WORK_ORDER_EVENT_KINDS), z.string().min(1)).parse(JSON.parse(text)) };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON like {"created":"0","completed":"1","cancelled":"2","timed-out":"3"}' });
      return z.NEVER;
    }
  })
  .optional();

/** `{"<seller>": <weight>}`: weights in Temporal's range, 0.001 to 1000 (1 is everyone's default). */
const sellerWeights = z
  .string()
  .transform((text, ctx): Record<string, number> => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = z.record(z.string().min(1), z.number().min(0.001).max(1000)).safeParse(json);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: 'must be JSON like {"big-shop":2,"trial-shop":0.5}: a weight from 0.001 to 1000 per seller' });
    return z.NEVER;
  })
  .default({});

/** What the server accepts (common/worker_versioning): no `.` or `:` in a deployment name, nothing starting with `__`. */
const deploymentName = z.string().regex(/^(?!__)[\w-]{1,128}$/, 'must be 1-128 letters, digits, _ or - (no dot or colon), not starting with __');
const buildId = z.string().regex(/^(?!__)[\w.+-]{1,128}$/, 'must be 1-128 letters, digits, _ - . + (e.g. 1.0.0 or a commit), not starting with __');

export const configSchema = z.object({
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  TOP_GATEWAY_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://gw.api.taobao.com/router/rest' }),
  TOP_APP_KEY: z.string({ error: 'is required' }).regex(/^\w+$/, 'must be the app key TOP issued (letters and digits)'),
  TOP_APP_SECRET: z.string({ error: 'is required' }).min(1, 'is required'),
  TOP_SIGN_METHOD: z.enum(SIGN_METHODS, { error: `must be one of ${SIGN_METHODS.join(', ')}` }).default('hmac-sha256'),
  /** JSON file: { "<seller>": "<session key>" }. */
  TOP_SESSIONS_FILE: z.string({ error: 'is required (a JSON file mapping seller → session key)' }).min(1),
  /** How often the sessions file is checked for re-authorized sellers, whose work orders failed on authorization then resume. */
  TOP_SESSIONS_CHECK_INTERVAL_MS: positiveInt(5_000),
  /**
   * The app's TOP call budget across all workers: the Temporal server caps the task queue's activities at
   * it, and the workers' TOP clients pace their calls so that together they keep to it (src/top/pacer.ts).
   */
  TOP_CALLS_PER_SECOND: positiveInt(50),
  /** How many worker processes share the budget (the deployment's replica count). */
  TOP_WORKER_COUNT: positiveInt(1),
  /**
   * This worker's place (0 … TOP_WORKER_COUNT − 1), e.g. a StatefulSet's pod index: the workers then take
   * turns on one schedule and the budget can be the quota less one. Unset: each paces on its own.
   */
  TOP_WORKER_INDEX: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').optional(),
  ),
  /**
   * Fair shares of the quota when calls are backlogged (Temporal task-queue fairness, one key per seller):
   * a seller's weight, 1 unless set here; written to the task queue's config at start.
   */
  TOP_SELLER_WEIGHTS: sellerWeights,
  /** A ceiling per seller (calls/s), so a runaway integration cannot take the whole quota; unset: none. */
  TOP_SELLER_CALLS_PER_SECOND: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ error: 'must be a number' }).positive('must be positive').optional(),
  ),
  TOP_REQUEST_TIMEOUT_MS: positiveInt(15_000),
  TOP_CONNECTIONS: positiveInt(64),
  TOP_WORK_ORDER_STATUS_CODES: statusCodes,
  /**
   * Work orders kept in memory; beyond it, a work order is replayed from history when it next wakes. Each
   * holds live heap (the README's summary, bench/results/workflow-heap.md): size the worker's heap with it.
   */
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt(1_000),
  /**
   * TOP calls this worker takes from the task queue at once. Unset: what its share of the budget sends in
   * half a second (4 to 100; see activitySlots). A call the worker holds waits in its pacer in arrival
   * order, outside the server's priority and fairness: the fewer it holds, the fairer the quota.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').optional(),
  ),
  /**
   * Workflow tasks this worker takes from the server at once: 8 (the SDK's default is 40). Its workflow code
   * runs on one thread, and a task it holds waits for that thread in arrival order, outside the server's
   * fairness: with 40, a burst of one seller's new work orders sat in the worker and another seller's first
   * tasks queued behind it (benchmark sale-day-fairness-slots: small sellers' p99 3.43 s with 40, 2.77 s with
   * 8); reports to evicted work orders ran within their noise of 40 (docs/flow-control.md).
   */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(2, 'must be 2 or more (the SDK needs two beside a workflow cache)').default(8),
  ),
  /** On SIGTERM, in-flight TOP calls get this long to finish before they are cancelled. */
  WORKER_SHUTDOWN_GRACE_MS: positiveInt(20_000),
  /** A workflow bundle prebuilt by `npm run build`; without it the worker bundles at start-up. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** Prometheus `/metrics` (SDK and product metrics); `off` disables it. */
  WORKER_METRICS_ADDRESS: z.string().regex(/^(off|[\w.-]+:\d+)$/, 'must be host:port or off').default('127.0.0.1:9464'),
  /** How often the worker counts running work orders by status and node for `work_orders_open`. */
  WORKER_OPEN_WORK_ORDERS_INTERVAL_MS: positiveInt(30_000),
  /** `/healthz` and `/readyz` for orchestrators; `off` disables them. */
  WORKER_HEALTH_ADDRESS: z.string().regex(/^(off|[\w.-]+:\d+)$/, 'must be host:port or off').default('127.0.0.1:8081'),
  /** Tracing: spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (read by the exporter). */
  OTEL_SERVICE_NAME: z.string().min(1).default('taobao-work-orders-worker'),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint('http://otel-collector:4318'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint('http://otel-collector:4318/v1/traces'),
  /**
   * Worker Versioning (docs/changing-workflows.md): with both set, this worker is the version
   * `<deployment name>:<build id>` of a Worker Deployment, and work orders move to the current version at
   * their next workflow task (AUTO_UPGRADE). Unset: an unversioned worker, as on the dev server.
   */
  WORKER_DEPLOYMENT_NAME: z.preprocess((value) => (value === '' ? undefined : value), deploymentName.optional()),
  WORKER_BUILD_ID: z.preprocess((value) => (value === '' ? undefined : value), buildId.optional()),
  /** Payload encryption (optional): JSON `{ "<key id>": "<32 bytes, base64>" }` and the id of the key that encrypts. */
  PAYLOAD_CODEC_KEYS: z.string().min(1).optional(),
  PAYLOAD_CODEC_KEY_ID: z.string().min(1).optional(),
})
  .refine((config) => config.TOP_WORKER_INDEX === undefined || config.TOP_WORKER_INDEX < config.TOP_WORKER_COUNT, {
    path: ['TOP_WORKER_INDEX'],
    message: 'must be less than TOP_WORKER_COUNT (workers are numbered from 0)',
  })
  .refine((config) => (config.WORKER_DEPLOYMENT_NAME === undefined) === (config.WORKER_BUILD_ID === undefined), {
    path: ['WORKER_BUILD_ID'],
    message: 'must be set together with WORKER_DEPLOYMENT_NAME (a Worker Deployment version is both), or neither',
  });

export type Config = z.output<typeof configSchema>;

/** How long a call should wait in the worker for its turn, at most, when the budget is busy. */
const HELD_CALLS_SECONDS = 0.5;

/**
 * The worker's activity slots: WORKER_MAX_CONCURRENT_ACTIVITIES, or the calls its share of the budget sends
 * in HELD_CALLS_SECONDS, at least 4 and at most 100 (the earlier fixed default). The rest of a backlog stays on the server, where priority and fairness decide who
 * goes next; during a ban the held calls fill the slots and nothing more is taken (benchmark
 * sale-day-fairness: 100 slots let one seller's backlog through in arrival order).
 */
export function activitySlots(config: Pick<Config, 'WORKER_MAX_CONCURRENT_ACTIVITIES' | 'TOP_CALLS_PER_SECOND' | 'TOP_WORKER_COUNT'>): number {
  const share = Math.ceil((config.TOP_CALLS_PER_SECOND / config.TOP_WORKER_COUNT) * HELD_CALLS_SECONDS);
  return config.WORKER_MAX_CONCURRENT_ACTIVITIES ?? Math.min(100, Math.max(4, share));
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the configuration; the error names every wrong variable and never shows a value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) {
    try {
      codecFromEnvironment(parsed.data); // keys must be usable before the worker starts, not at the first payload
    } catch (error) {
      throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
    }
    return parsed.data;
  }
  const problems = describeIssues(parsed.error, { root: 'configuration', between: ' ' });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
