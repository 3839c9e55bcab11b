/**
 * Typed, validated functions for backend services: start and drive work orders. Every input is checked
 * with zod before anything is started or sent; errors name the field.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { codecFromEnvironment, encryptingDataConverter } from './codec/aes-gcm-codec';
import { forEachBounded } from './client/for-each-bounded';
import { PerKeyLimit } from './client/per-key-limit';
import { updateUntilProcessed } from './client/update-resend';
import { fairnessKeyOf } from './work-order/priorities';
import { defineWorkOrderSchemas, parseOrThrow, type CompletionRaw, type ProgressReportRaw, type WorkOrderInputRaw } from './work-order/schemas';
import { DEFAULT_TASK_QUEUE, PROGRESS_REFUSED_FAILURE, WORK_ORDER_CLOSED_FAILURE, workflowIdFor, workOrderIdOf, type ProgressRefusal } from './work-order/temporal-names';
import { isFinalStatus, workOrderStatus, type ProgressAck, type WorkOrderView } from './work-order/view';
import { cancelSignal, completeSignal, progressSignal, reportProgressUpdate, retrySignal, skipSignal, statusQuery, WORK_ORDER_WORKFLOW_TYPE, type WorkOrderWorkflow } from './work-order/messages';
import { BIZ_ORDER_ID, SELLER, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from './work-order/search-attributes';
import { ProgressRefusedError, WorkOrderClosedError, WorkOrderNotFoundError, type BatchRetryAnswer, type ClosedStatus, type CloseAnswer, type OpenWorkOrderCount, type RetryAnswer, type RunningWorkOrderCount, type StartResult, type WorkOrderSummary } from './client/answers';
import { tracingClientInterceptors } from './client/tracing';
import { uiDetails, uiSummary } from './client/ui-metadata';
import { countOpenWorkOrders, countRunningByStatus, failedWorkOrders, listWorkOrders, queryValue, type ListFilter } from './client/visibility';

export * from './client/answers';
export { tracingClientInterceptors } from './client/tracing';
export { InvalidInputError } from './work-order/schemas';
// The messages as a backend writes them (`…Raw`: before defaults) and the work order as it answers.
export type { Cancellation, CompletionRaw, ProgressReportRaw, StepSkip, WorkOrderInputRaw } from './work-order/schemas';
export type { OnTopState, ProgressAck, StepFailure, StepName, StepRecord, WorkOrderStatus, WorkOrderView } from './work-order/view';
export type { ListFilter } from './client/visibility';
export { DEFAULT_TASK_QUEUE, workflowIdFor } from './work-order/temporal-names';

const { workOrderInput, progressReport, completion, cancellation, stepSkip } = defineWorkOrderSchemas();
const workOrderIdSchema = workOrderInput.shape.workOrderId;
const batchRetryFilter = z.strictObject({
  seller: queryValue.optional(),
  /** Only work orders whose failure was classified so, e.g. `authorization` after a seller re-authorized. */
  classification: z.enum(['transient', 'rate-limited', 'business', 'authorization', 'configuration']).optional(),
  /** Count and name the matches; signal nothing. */
  dryRun: z.boolean().default(false),
});
/** Retry signals in flight at once during a batch retry: enough to be quick, few enough to spare the server. */
const BATCH_RETRY_CONCURRENCY = 16;
/**
 * Progress reports to one work order in flight at once from this client; more wait here, in the order
 * given. Temporal holds at most 10 Updates in flight per workflow (the server's `history.maxInFlightUpdates`).
 * Past that, while a report's workflow task was open (a 店小蜜 call waiting for the budget), the server
 * aborted the Updates in flight and refused some as "not processed by worker". 8 leaves room for another sender.
 */
export const REPORTS_IN_FLIGHT_PER_WORK_ORDER = 8;

export class WorkOrderClient {
  readonly #reportsInFlight = new PerKeyLimit(REPORTS_IN_FLIGHT_PER_WORK_ORDER);

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
      await this.client.workflow.start<WorkOrderWorkflow>(WORK_ORDER_WORKFLOW_TYPE, {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: uiSummary(input),
        staticDetails: uiDetails(input),
        // Workflow tasks backlog too on a sale day: each seller gets its share (work-order/priorities.ts).
        priority: { fairnessKey: fairnessKeyOf(input.seller) },
        typedSearchAttributes: [
          { key: WORK_ORDER_ID, value: input.workOrderId },
          { key: WORK_ORDER_STATUS, value: 'opening' },
          { key: WORK_ORDER_NODE, value: input.alime?.firstNode ?? 'created' },
          { key: SELLER, value: input.seller },
          ...(input.bizOrderId ? [{ key: BIZ_ORDER_ID, value: input.bizOrderId }] : []),
        ],
      });
      return { workOrderId: input.workOrderId, workflowId, alreadyClosed: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workOrderId: input.workOrderId, workflowId, alreadyClosed: true };
      throw error;
    }
  }

  /**
   * Queues a progress report; resolves once it is durably accepted. Sending the same progressId again
   * changes nothing, for the work order's whole life. A closed or closing work order refuses it with
   * WorkOrderClosedError; one holding as much progress as it can carry, with ProgressRefusedError.
   */
  async reportProgress(workOrderId: string, raw: ProgressReportRaw): Promise<ProgressAck> {
    const report = parseOrThrow(progressReport, raw, 'progress report');
    try {
      return await this.#reportsInFlight.run(workOrderId, () =>
        this.#call(workOrderId, (handle) => updateUntilProcessed(() => handle.executeUpdate(reportProgressUpdate, { args: [report], updateId: `progress:${report.progressId}` }))),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const { type, message, details } = error.cause;
        if (type === WORK_ORDER_CLOSED_FAILURE) throw new WorkOrderClosedError(workOrderId, 'closing');
        if (type === PROGRESS_REFUSED_FAILURE) throw new ProgressRefusedError(workOrderId, (details?.[0] as ProgressRefusal | undefined) ?? 'queue-full', message);
      }
      throw error;
    }
  }

  /** Fire-and-forget progress, for senders that cannot wait for the answer. A closed work order refuses it. */
  async sendProgress(workOrderId: string, raw: ProgressReportRaw): Promise<void> {
    const report = parseOrThrow(progressReport, raw, 'progress report');
    await this.#call(workOrderId, (handle) => handle.signal(progressSignal, report));
  }

  /** Completes the work order. Safe to repeat: once it has closed, nothing is sent and the answer says how it closed. */
  async complete(workOrderId: string, raw: CompletionRaw): Promise<CloseAnswer> {
    const done = parseOrThrow(completion, raw, 'completion');
    return await this.#closeUnlessClosed(workOrderId, (handle) => handle.signal(completeSignal, done));
  }

  /** Cancels the work order; safe to repeat, like complete. */
  async cancel(workOrderId: string, raw: { reason: string }): Promise<CloseAnswer> {
    const cancel = parseOrThrow(cancellation, raw, 'cancellation');
    return await this.#closeUnlessClosed(workOrderId, (handle) => handle.signal(cancelSignal, cancel));
  }

  /**
   * After fixing the cause of a permanent failure (e.g. a refreshed session key), retries the failed
   * step. A work order that is not waiting for an operator is not signalled; the answer says its status.
   */
  async retry(workOrderId: string): Promise<RetryAnswer> {
    return await this.#decide(workOrderId, (handle) => handle.signal(retrySignal));
  }

  /**
   * Carries on without the step that failed permanently (e.g. a closing call TOP keeps refusing, once
   * someone has settled it by hand). The reason is kept in the work order's steps and the skip is counted
   * (`work_orders{event="step_skipped"}`). A work order not waiting for an operator is not signalled.
   */
  async skip(workOrderId: string, raw: { reason: string }): Promise<RetryAnswer> {
    const skip = parseOrThrow(stepSkip, raw, 'skip');
    return await this.#decide(workOrderId, (handle) => handle.signal(skipSignal, skip));
  }

  /**
   * Retries every work order waiting for an operator, or only one seller's (after its session key was
   * refreshed). Work orders started before the `Seller` search attribute existed are matched by the
   * seller their status names.
   */
  async retryFailed(raw: z.input<typeof batchRetryFilter> = {}, onMatched?: (count: number) => void): Promise<BatchRetryAnswer> {
    const filter = parseOrThrow(batchRetryFilter, raw, 'retry filter');
    const workOrderIds: string[] = [];
    for await (const { workOrderId, sellerRecorded } of failedWorkOrders(this.client, filter.seller)) {
      const needsStatus = (filter.seller && !sellerRecorded) || filter.classification;
      const view = needsStatus ? await this.status(workOrderId).catch(() => undefined) : undefined;
      if (filter.seller && !sellerRecorded && view?.seller !== filter.seller) continue;
      if (filter.classification && view?.lastError?.classification !== filter.classification) continue;
      workOrderIds.push(workOrderId);
    }
    onMatched?.(workOrderIds.length);
    const answer: BatchRetryAnswer = { matched: workOrderIds.length, resumed: 0, dryRun: filter.dryRun, workOrderIds, notResumed: [] };
    if (filter.dryRun) return answer;
    await forEachBounded(workOrderIds, BATCH_RETRY_CONCURRENCY, async (workOrderId) => {
      try {
        const result = await this.retry(workOrderId);
        if (result.retried) answer.resumed += 1;
        else answer.notResumed.push({ workOrderId, reason: result.reason! });
      } catch (error) {
        answer.notResumed.push({ workOrderId, reason: (error as Error).message });
      }
    });
    return answer;
  }

  async status(workOrderId: string): Promise<WorkOrderView> {
    return await this.#call(workOrderId, (handle) => handle.query(statusQuery));
  }

  /** Waits for the work order to end and returns its final view. */
  async result(workOrderId: string): Promise<WorkOrderView> {
    return await this.#call(workOrderId, (handle) => handle.result());
  }

  async list(raw: ListFilter = {}): Promise<WorkOrderSummary[]> {
    return await listWorkOrders(this.client, raw);
  }

  /**
   * Running work orders counted by status, from Temporal's visibility store (which may trail the workflows
   * by a moment): one count query per status, whatever the number open. For a periodic gauge.
   */
  async countRunning(): Promise<RunningWorkOrderCount[]> {
    return await countRunningByStatus(this.client);
  }

  /**
   * Running work orders counted by status and current node, from Temporal's visibility store. Reads every
   * running work order (about 100 pages at 100,000 open): for an operator's question, not for a gauge.
   */
  async countOpen(): Promise<OpenWorkOrderCount[]> {
    return await countOpenWorkOrders(this.client);
  }

  /** Sends an operator's decision to a work order waiting for one; says why not to any other. */
  async #decide(workOrderId: string, send: (handle: WorkflowHandle<WorkOrderWorkflow>) => Promise<void>): Promise<RetryAnswer> {
    const id = parseOrThrow(workOrderIdSchema, workOrderId, 'work order id');
    const state = await this.#state(this.#handle(id));
    if (state.closed || state.status !== 'failed') {
      const status = state.status ?? 'opening';
      return { workOrderId: id, retried: false, status, reason: `work order ${id} is ${status}, not waiting for an operator` };
    }
    await this.#call(id, send);
    return { workOrderId: id, retried: true, status: 'failed' };
  }

  #handle(workOrderId: string): WorkflowHandle<WorkOrderWorkflow> {
    return this.client.workflow.getHandle<WorkOrderWorkflow>(workflowIdFor(workOrderId));
  }

  /** Runs `action` on the work order; a missing workflow becomes WorkOrderClosedError or WorkOrderNotFoundError. */
  async #call<T>(workOrderId: string, action: (handle: WorkflowHandle<WorkOrderWorkflow>) => Promise<T>): Promise<T> {
    const id = parseOrThrow(workOrderIdSchema, workOrderId, 'work order id');
    const handle = this.#handle(id);
    try {
      return await action(handle);
    } catch (error) {
      // The server answers "not found" both for a workflow that never existed and for one that has closed.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const state = await this.#state(handle);
      if (state.closed) throw new WorkOrderClosedError(id, state.status);
      throw error;
    }
  }

  async #closeUnlessClosed(workOrderId: string, send: (handle: WorkflowHandle<WorkOrderWorkflow>) => Promise<void>): Promise<CloseAnswer> {
    try {
      await this.#call(workOrderId, send);
      return { workOrderId, alreadyClosed: false };
    } catch (error) {
      if (error instanceof WorkOrderClosedError && error.status !== 'closing') return { workOrderId, alreadyClosed: true, status: error.status };
      throw error;
    }
  }

  /**
   * The work order's status from the server's own record of the workflow (no worker needed): its
   * WorkOrderStatus while running, how it closed once closed. Throws WorkOrderNotFoundError.
   */
  async #state(handle: WorkflowHandle<WorkOrderWorkflow>): Promise<{ closed: false; status?: WorkOrderView['status'] } | { closed: true; status: ClosedStatus }> {
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new WorkOrderNotFoundError(workOrderIdOf(handle.workflowId) ?? handle.workflowId);
      throw error;
    }
    const recorded = workOrderStatus.safeParse(description.typedSearchAttributes.get(WORK_ORDER_STATUS)).data;
    switch (description.status.name) {
      case 'RUNNING':
      case 'PAUSED':
        return { closed: false, status: recorded };
      case 'COMPLETED':
        return { closed: true, status: isFinalStatus(recorded) ? recorded : 'completed' };
      case 'CANCELLED':
        return { closed: true, status: 'cancelled' };
      case 'TERMINATED':
        return { closed: true, status: 'terminated' };
      case 'TIMED_OUT':
        return { closed: true, status: 'workflow-timed-out' };
      default:
        return { closed: true, status: 'workflow-failed' };
    }
  }
}
