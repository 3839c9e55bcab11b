import { ActivityFailure, ApplicationFailure, condition, isCancellation, log, metricMeter, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { MetricCounter, SearchAttributeUpdatePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  cancellation,
  completion,
  InvalidInputError,
  parseOrThrow,
  progressReport,
  workOrderInput,
  type Cancellation,
  type Completion,
  type ProgressReport,
  type WorkOrderInput,
  type WorkOrderInputRaw,
} from '../work-order/schemas';
import { currentDetails } from './current-details';
import { cancelSignal, completeSignal, progressSignal, reportProgressUpdate, retrySignal, statusQuery, WORK_ORDER_CLOSED_FAILURE } from './messages';
import { BIZ_ORDER_ID, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from './search-attributes';
import type { ProgressAck, StepFailure, StepName, StepRecord, WorkOrderStatus, WorkOrderView } from '../work-order/view';

/** How a work order ends. */
export type Ending =
  | { kind: 'completed'; at: number; completion: Completion }
  | { kind: 'cancelled'; at: number; reason: string }
  | { kind: 'timed-out'; at: number };

/** A progress report waiting to be sent, with the time it was received. */
interface QueuedProgress {
  report: ProgressReport;
  receivedAt: number;
}

/** Everything a continued run needs: the view, and the messages not yet acted on. */
export interface CarriedState {
  view: WorkOrderView;
  inbox: QueuedProgress[];
  seenProgressIds: string[];
  ending?: Ending;
  slaDeadlineMs?: number;
  /** The latest time sent to TOP; absent in runs continued by older code. */
  lastTopTime?: number;
}

export type NextEvent =
  | { kind: 'progress'; report: ProgressReport; receivedAt: number }
  | { kind: 'end'; ending: Ending }
  | { kind: 'sla-breached' }
  | { kind: 'continue-as-new' };

/** Thrown out of a failed step when cancellation is asked for instead of a retry. */
export class CancelRequested extends Error {
  constructor(readonly ending: Ending) {
    super('cancellation requested while a step waited for an operator');
  }
}

/**
 * `work_orders{event}`: started, escalated, step_failed, completed, cancelled, timed-out. Replay-safe.
 * Made once per workflow (this module is evaluated per workflow), on first use: metricMeter needs a workflow context.
 */
let workOrderEventCounter: MetricCounter | undefined;
const workOrderEvents = (): MetricCounter => (workOrderEventCounter ??= metricMeter.createCounter('work_orders', 'work orders', 'Work-order lifecycle events'));

const STEPS_KEPT = 50;
const PROGRESS_IDS_KEPT = 1_000;
const DEFAULT_HISTORY_EVENT_LIMIT = 10_000;

/**
 * The work order's state and its message handlers: what it has done, what it waits for, and what
 * arrived. The workflow function drives it; this class only records and answers.
 */
export class WorkOrder {
  readonly view: WorkOrderView;
  readonly #inbox: QueuedProgress[];
  readonly #seenProgressIds: Set<string>;
  #ending: Ending | undefined;
  #slaDeadlineMs: number | undefined;
  #retryRequested = false;
  #closing = false;
  #lastTopTime: number;

  constructor(
    readonly input: WorkOrderInput,
    carried?: CarriedState,
  ) {
    const now = Date.now();
    // A run continued by older code carries no createdAt: the chain's start is the same moment.
    const createdAt = carried?.view.createdAt ?? workflowInfo().startTime.toISOString();
    this.#lastTopTime = carried?.lastTopTime ?? 0;
    this.#slaDeadlineMs = carried ? carried.slaDeadlineMs : input.sla ? now + msToNumber(input.sla.within) : undefined;
    this.view = carried?.view ?? {
      workOrderId: input.workOrderId,
      seller: input.seller,
      status: 'opening',
      createdAt,
      onTop: { createdEvent: false, case: false },
      currentNode: input.alime?.firstNode ?? 'created',
      waitingFor: 'creating the work order on TOP',
      steps: [],
      stepCount: 0,
      slaDeadline: this.#slaDeadlineMs === undefined ? undefined : new Date(this.#slaDeadlineMs).toISOString(),
      progressReceived: 0,
      progressPending: 0,
      rejectedMessages: 0,
    };
    if (!carried) workOrderEvents().add(1, { event: 'started' });
    this.#inbox = carried?.inbox ?? [];
    this.#seenProgressIds = new Set(carried?.seenProgressIds);
    this.#ending = carried?.ending;
    // Views carried by runs of older code lack the seller and the creation time.
    if (carried) Object.assign(carried.view, { seller: input.seller, createdAt });

    setHandler(statusQuery, () => this.#snapshot());
    setHandler(reportProgressUpdate, (raw) => this.#acceptProgress(parseOrThrow(progressReport, raw, 'progress report')), {
      validator: (raw) => {
        parseOrThrow(progressReport, raw, 'progress report');
        if (this.#ending) throw workOrderClosedFailure(input.workOrderId, this.#ending.kind);
      },
    });
    setHandler(progressSignal, (raw) => {
      const report = this.#validSignal(progressReport, raw, 'progress');
      if (report && !this.#ending) this.#acceptProgress(report);
    });
    setHandler(completeSignal, (raw) => {
      const done = this.#validSignal(completion, raw, 'completion');
      if (done && !this.#ending) this.#ending = { kind: 'completed', at: Date.now(), completion: done };
    });
    setHandler(cancelSignal, (raw) => {
      const cancel = this.#validSignal(cancellation, raw, 'cancellation');
      if (cancel) this.requestCancellation(cancel);
    });
    setHandler(retrySignal, () => {
      this.#retryRequested = true;
    });
  }

  /** First cancellation wins; ignored once the work order is ending another way. */
  requestCancellation(cancel: Cancellation): void {
    if (!this.#ending) this.#ending = { kind: 'cancelled', at: Date.now(), reason: cancel.reason };
  }

  /** Sets the search attributes a client did not set at start (e.g. a run started from the Temporal CLI). */
  indexForSearch(): void {
    const current = workflowInfo().typedSearchAttributes;
    const missing: SearchAttributeUpdatePair[] = [];
    if (current.get(WORK_ORDER_ID) === undefined) missing.push({ key: WORK_ORDER_ID, value: this.input.workOrderId });
    if (this.input.bizOrderId && current.get(BIZ_ORDER_ID) === undefined) missing.push({ key: BIZ_ORDER_ID, value: this.input.bizOrderId });
    if (current.get(WORK_ORDER_STATUS) !== this.view.status) missing.push({ key: WORK_ORDER_STATUS, value: this.view.status });
    if (current.get(WORK_ORDER_NODE) !== this.view.currentNode) missing.push({ key: WORK_ORDER_NODE, value: this.view.currentNode });
    if (missing.length) upsertSearchAttributes(missing);
  }

  /** Waits for the next thing to act on, oldest message first. */
  async nextEvent(): Promise<NextEvent> {
    this.#waitingFor(this.view.status === 'escalated' ? 'completion (SLA passed)' : 'progress or completion');
    const deadline = this.view.escalatedAt === undefined ? this.#slaDeadlineMs : undefined;
    const ready = () => this.#inbox.length > 0 || this.#ending !== undefined || this.#historyIsLong();
    const woke = deadline === undefined ? (await condition(ready), true) : await condition(ready, Math.max(deadline - Date.now(), 1));
    if (!woke) return { kind: 'sla-breached' };
    if (this.#historyIsLong()) return { kind: 'continue-as-new' };
    const next = this.#inbox.shift();
    if (next) return { kind: 'progress', ...next };
    return { kind: 'end', ending: this.#ending! };
  }

  opened(): void {
    this.#setStatus('open');
  }

  reachNode(node: string): void {
    this.view.currentNode = node;
    this.#index();
    this.#showDetails();
  }

  escalate(): void {
    this.view.escalatedAt = new Date().toISOString();
    workOrderEvents().add(1, { event: 'escalated' });
    log.warn('work order passed its SLA deadline', { workOrderId: this.input.workOrderId, slaDeadline: this.view.slaDeadline });
    this.#setStatus('escalated');
  }

  startClosing(ending: Ending, finalNode: string): void {
    this.#closing = true;
    this.#ending = ending;
    this.view.closingReason = ending.kind === 'cancelled' ? ending.reason : ending.kind === 'completed' ? ending.completion.resultMessage : 'SLA deadline passed';
    this.view.currentNode = finalNode;
    this.#setStatus('closing');
  }

  closed(kind: Ending['kind']): WorkOrderView {
    this.view.closedAt = new Date().toISOString();
    workOrderEvents().add(1, { event: kind });
    this.#waitingFor('nothing: closed');
    this.#setStatus(kind);
    return this.#snapshot();
  }

  carry(): CarriedState {
    return {
      view: this.view,
      inbox: this.#inbox,
      seenProgressIds: [...this.#seenProgressIds].slice(-PROGRESS_IDS_KEPT),
      ending: this.#ending,
      slaDeadlineMs: this.#slaDeadlineMs,
      lastTopTime: this.#lastTopTime,
    };
  }

  /**
   * The time to send TOP for something that happened at `at`: never earlier than a time already sent.
   * TOP orders a work order's nodes (店小蜜), case operations and events by these times, and a retried
   * step or a clock step between server hosts must not make them go backwards.
   */
  topTime(at: number): number {
    this.#lastTopTime = Math.max(this.#lastTopTime, at);
    return this.#lastTopTime;
  }

  /**
   * Runs one TOP step. Transient trouble is retried inside the activity; a permanent failure is
   * recorded, shown (status `failed`, its reason in `lastError`) and waits for an operator's retry
   * signal — or, before closing has begun, for cancellation.
   */
  async runStep(step: StepName, node: string | undefined, call: () => Promise<void>): Promise<void> {
    this.#waitingFor(`TOP: ${step}${node ? ` (${node})` : ''}`);
    for (;;) {
      try {
        await call();
        this.#exists(step);
        this.#record({ step, node, at: new Date().toISOString(), outcome: 'ok' });
        return;
      } catch (error) {
        if (isCancellation(error)) this.#exists(step);
        if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
        const failure = describeFailure(error);
        const at = new Date().toISOString();
        this.#record({ step, node, at, outcome: 'failed', failure });
        this.view.lastError = { ...failure, step, at };
        workOrderEvents().add(1, { event: 'step_failed' });
        log.error('work order step failed permanently; waiting for an operator', {
          workOrderId: this.input.workOrderId,
          step,
          failureType: failure.type,
          reason: failure.message,
          classification: failure.classification,
          code: failure.code,
          subCode: failure.subCode,
        });
        const statusBefore = this.view.status;
        this.#setStatus('failed');
        this.#waitingFor(`operator retry of ${step}: ${failure.message}`);
        this.#retryRequested = false;
        const cancellable = !this.#closing;
        await condition(() => this.#retryRequested || (cancellable && this.#ending?.kind === 'cancelled'));
        if (!this.#retryRequested && this.#ending) throw new CancelRequested(this.#ending);
        this.#setStatus(statusBefore);
        this.#waitingFor(`TOP: ${step}${node ? ` (${node})` : ''} (operator retry)`);
      }
    }
  }

  /** What the status query answers, and the workflow's result. */
  #snapshot(): WorkOrderView {
    return { ...this.view, progressPending: this.#inbox.length };
  }

  #exists(step: StepName): void {
    if (step === 'emit-created-event') this.view.onTop.createdEvent = true;
    if (step === 'open-case') this.view.onTop.case = true;
  }

  #acceptProgress(report: ProgressReport): ProgressAck {
    if (this.#seenProgressIds.has(report.progressId)) return { accepted: false, progressReceived: this.view.progressReceived };
    this.#seenProgressIds.add(report.progressId);
    this.#inbox.push({ report, receivedAt: Date.now() });
    this.view.progressReceived += 1;
    return { accepted: true, progressReceived: this.view.progressReceived };
  }

  /** Signals have no validator: a malformed one is counted and logged, never acted on. */
  #validSignal<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, raw: unknown, what: string): T | undefined {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.view.rejectedMessages += 1;
    log.warn(`rejected a malformed ${what} signal`, { workOrderId: this.input.workOrderId });
    return undefined;
  }

  #historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (this.input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT);
  }

  #record(record: StepRecord): void {
    this.view.steps.push(record);
    if (this.view.steps.length > STEPS_KEPT) this.view.steps.splice(0, this.view.steps.length - STEPS_KEPT);
    this.view.stepCount += 1;
    this.#showDetails();
  }

  #waitingFor(what: string): void {
    this.view.waitingFor = what;
    this.#showDetails();
  }

  #setStatus(status: WorkOrderStatus): void {
    this.view.status = status;
    this.#index();
    this.#showDetails();
  }

  /** The UI's "Current Details". Served by a query, never written to history, so replay is unaffected. */
  #showDetails(): void {
    setCurrentDetails(currentDetails(this.view));
  }

  #index(): void {
    const current = workflowInfo().typedSearchAttributes;
    const changes: SearchAttributeUpdatePair[] = [];
    if (current.get(WORK_ORDER_STATUS) !== this.view.status) changes.push({ key: WORK_ORDER_STATUS, value: this.view.status });
    if (current.get(WORK_ORDER_NODE) !== this.view.currentNode) changes.push({ key: WORK_ORDER_NODE, value: this.view.currentNode });
    if (changes.length) upsertSearchAttributes(changes);
  }
}

/**
 * The start input, validated as the client validates it (backends on other SDKs start work orders
 * directly), with defaults applied. Invalid input fails the workflow at once, naming the fields, before
 * anything is sent to TOP: a thrown plain error would instead retry the workflow task forever.
 */
export function startInput(raw: WorkOrderInputRaw): WorkOrderInput {
  try {
    return parseOrThrow(workOrderInput, raw, 'work order');
  } catch (error) {
    if (error instanceof InvalidInputError) throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
    throw error;
  }
}

/** The Update validator's refusal once the work order is ending: the client turns it into WorkOrderClosedError. */
function workOrderClosedFailure(workOrderId: string, ending: Ending['kind']): ApplicationFailure {
  return ApplicationFailure.create({
    type: WORK_ORDER_CLOSED_FAILURE,
    message: `work order ${workOrderId} is closing (${ending}); progress is no longer accepted`,
    details: [ending],
    nonRetryable: true,
  });
}

/** The TOP code and message of a failed activity, for the status and the UI. */
function describeFailure(error: ActivityFailure): StepFailure {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as { classification?: string; code?: string | number; subCode?: string };
    return { type: cause.type ?? 'ApplicationFailure', message: cause.message, classification: details.classification, code: details.code, subCode: details.subCode };
  }
  return { type: cause?.name ?? 'ActivityFailure', message: cause?.message ?? error.message };
}
