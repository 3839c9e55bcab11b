/**
 * Typed, validated functions for backend services: start and drive work orders. Every input is checked
 * with zod before anything is started or sent; errors name the field.
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { codecFromEnvironment, encryptingDataConverter } from './codec/aes-gcm-codec';
import { tracingClientInterceptors } from './tracing';
import {
  cancellation,
  completion,
  InvalidInputError,
  parseOrThrow,
  progressReport,
  workOrderInput,
  type CompletionRaw,
  type ProgressReportRaw,
  type WorkOrderInputRaw,
} from './work-order/schemas';
import {
  cancelSignal,
  completeSignal,
  DEFAULT_TASK_QUEUE,
  progressSignal,
  reportProgressUpdate,
  retrySignal,
  statusQuery,
  workflowIdFor,
  workOrderIdOf,
  type ProgressAck,
} from './workflows/messages';
import { BIZ_ORDER_ID, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from './workflows/search-attributes';
import type { WorkOrderStatus, WorkOrderView } from './workflows/status';
import type { workOrderWorkflow } from './workflows/work-order';

export { InvalidInputError };
export { DEFAULT_TASK_QUEUE, workflowIdFor };

const workOrderIdSchema = workOrderInput.shape.workOrderId;
const STATUSES = ['opening', 'open', 'escalated', 'failed', 'closing', 'completed', 'cancelled', 'timed-out'] as const satisfies readonly WorkOrderStatus[];
const listFilter = z.strictObject({
  status: z.enum(STATUSES).optional(),
  node: z.string().regex(/^[^"\\]{1,128}$/, 'must be 1-128 characters without quotes or backslashes').optional(),
  limit: z.int().min(1).max(1000).default(100),
});

export class WorkOrderNotFoundError extends Error {
  override readonly name = 'WorkOrderNotFoundError';
  constructor(readonly workOrderId: string) {
    super(`work order ${workOrderId} not found`);
  }
}

export interface StartResult {
  workOrderId: string;
  workflowId: string;
  /** True when the work order already existed and has finished: nothing new was started. */
  alreadyClosed: boolean;
}

/** How many running work orders are in one status at one node. */
export interface OpenWorkOrderCount {
  status: string;
  node: string;
  count: number;
}

const WORK_ORDERS = 'WorkflowType = "workOrderWorkflow"';

export interface WorkOrderSummary {
  workOrderId: string;
  workflowId: string;
  status?: string;
  node?: string;
  bizOrderId?: string;
  startTime: Date;
}

export class WorkOrderClient {
  constructor(
    readonly client: Client,
    readonly taskQueue: string = DEFAULT_TASK_QUEUE,
  ) {}

  /**
   * Connects the way every Temporal tool does (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
   * TLS), with the tracing interceptor: when the calling service has OpenTelemetry set up, its trace
   * continues into the work order's workflow, activities and TOP calls. Lazily: input is validated
   * before the first network call, so a bad request fails fast even when the server is unreachable.
   */
  static fromEnvironment(taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE): WorkOrderClient {
    const { connectionOptions, namespace } = loadClientConnectConfig();
    const codec = codecFromEnvironment();
    const dataConverter = codec ? encryptingDataConverter(codec) : undefined;
    const interceptors = tracingClientInterceptors();
    return new WorkOrderClient(new Client({ connection: Connection.lazy(connectionOptions), namespace, dataConverter, interceptors }), taskQueue);
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  /** Starts the work order, or finds the one already running under the same id. */
  async start(raw: WorkOrderInputRaw): Promise<StartResult> {
    const input = parseOrThrow(workOrderInput, raw, 'work order');
    const workflowId = workflowIdFor(input.workOrderId);
    try {
      await this.client.workflow.start<typeof workOrderWorkflow>('workOrderWorkflow', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `Work order ${input.workOrderId}`,
        typedSearchAttributes: [
          { key: WORK_ORDER_ID, value: input.workOrderId },
          { key: WORK_ORDER_STATUS, value: 'opening' },
          { key: WORK_ORDER_NODE, value: input.alime?.firstNode ?? 'created' },
          ...(input.bizOrderId ? [{ key: BIZ_ORDER_ID, value: input.bizOrderId }] : []),
        ],
      });
      return { workOrderId: input.workOrderId, workflowId, alreadyClosed: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workOrderId: input.workOrderId, workflowId, alreadyClosed: true };
      throw error;
    }
  }

  /** Queues a progress report; resolves once it is durably accepted. Sending the same progressId again changes nothing. */
  async reportProgress(workOrderId: string, raw: ProgressReportRaw): Promise<ProgressAck> {
    const report = parseOrThrow(progressReport, raw, 'progress report');
    return await this.#call(workOrderId, (handle) =>
      handle.executeUpdate(reportProgressUpdate, { args: [report], updateId: `progress:${report.progressId}` }),
    );
  }

  /** Fire-and-forget progress, for senders that cannot wait for the answer. */
  async sendProgress(workOrderId: string, raw: ProgressReportRaw): Promise<void> {
    const report = parseOrThrow(progressReport, raw, 'progress report');
    await this.#call(workOrderId, (handle) => handle.signal(progressSignal, report));
  }

  async complete(workOrderId: string, raw: CompletionRaw): Promise<void> {
    const done = parseOrThrow(completion, raw, 'completion');
    await this.#call(workOrderId, (handle) => handle.signal(completeSignal, done));
  }

  async cancel(workOrderId: string, raw: { reason: string }): Promise<void> {
    const cancel = parseOrThrow(cancellation, raw, 'cancellation');
    await this.#call(workOrderId, (handle) => handle.signal(cancelSignal, cancel));
  }

  /** After fixing the cause of a permanent failure (e.g. a refreshed session key), retries the failed step. */
  async retry(workOrderId: string): Promise<void> {
    await this.#call(workOrderId, (handle) => handle.signal(retrySignal));
  }

  async status(workOrderId: string): Promise<WorkOrderView> {
    return await this.#call(workOrderId, (handle) => handle.query(statusQuery));
  }

  /** Waits for the work order to end and returns its final view. */
  async result(workOrderId: string): Promise<WorkOrderView> {
    return await this.#call(workOrderId, (handle) => handle.result());
  }

  async list(raw: z.input<typeof listFilter> = {}): Promise<WorkOrderSummary[]> {
    const filter = parseOrThrow(listFilter, raw, 'list filter');
    const clauses = [WORK_ORDERS];
    if (filter.status) clauses.push(`WorkOrderStatus = "${filter.status}"`);
    if (filter.node) clauses.push(`WorkOrderNode = "${filter.node}"`);
    const found: WorkOrderSummary[] = [];
    for await (const execution of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(filter.limit, 100) })) {
      const attributes = execution.typedSearchAttributes;
      found.push({
        workOrderId: attributes.get(WORK_ORDER_ID) ?? workOrderIdOf(execution.workflowId) ?? execution.workflowId,
        workflowId: execution.workflowId,
        status: attributes.get(WORK_ORDER_STATUS),
        node: attributes.get(WORK_ORDER_NODE),
        bizOrderId: attributes.get(BIZ_ORDER_ID),
        startTime: execution.startTime,
      });
      if (found.length >= filter.limit) break;
    }
    return found;
  }

  /**
   * Running work orders counted by status and current node, from Temporal's visibility store (which may
   * trail the workflows by a moment). Reads every running work order: meant for a periodic gauge, not
   * for each request.
   */
  async countOpen(): Promise<OpenWorkOrderCount[]> {
    const counts = new Map<string, OpenWorkOrderCount>();
    for await (const execution of this.client.workflow.list({ query: `${WORK_ORDERS} AND ExecutionStatus = "Running"`, pageSize: 1000 })) {
      const status = execution.typedSearchAttributes.get(WORK_ORDER_STATUS) ?? 'unknown';
      const node = execution.typedSearchAttributes.get(WORK_ORDER_NODE) ?? 'unknown';
      const key = JSON.stringify([status, node]);
      const entry = counts.get(key) ?? { status, node, count: 0 };
      entry.count += 1;
      counts.set(key, entry);
    }
    return [...counts.values()];
  }

  async #call<T>(workOrderId: string, action: (handle: WorkflowHandle<typeof workOrderWorkflow>) => Promise<T>): Promise<T> {
    const id = parseOrThrow(workOrderIdSchema, workOrderId, 'work order id');
    try {
      return await action(this.client.workflow.getHandle<typeof workOrderWorkflow>(workflowIdFor(id)));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new WorkOrderNotFoundError(id);
      throw error;
    }
  }
}
