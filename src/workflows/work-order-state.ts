import { ApplicationFailure, condition, log, metricMeter, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { MetricCounter, SearchAttributeUpdatePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { InvalidInputError, type ProgressReport, type WorkOrderInput, type WorkOrderInputRaw } from '../work-order/schemas';
import type { StepFailure, StepName, StepRecord, WorkOrderStatus, WorkOrderView } from '../work-order/view';
import { currentDetails } from './current-details';
import { Inbox, type CarriedMessages, type Ending } from './inbox';
import { BIZ_ORDER_ID, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from './search-attributes';
import { parseWorkOrderInput } from './validation';

export type { Ending };

/** Everything a continued run needs: the view, and the messages not yet acted on. */
export interface CarriedState extends CarriedMessages {
  view: WorkOrderView;
  slaDeadlineMs?: number;
  /** The latest time sent to TOP; absent in runs continued by older code. */
  lastTopTime?: number;
}

export type NextEvent =
  | { kind: 'progress'; report: ProgressReport; receivedAt: number }
  | { kind: 'end'; ending: Ending }
  | { kind: 'sla-breached' }
  | { kind: 'continue-as-new' };

/**
 * `work_orders{event}`: started, escalated, step_failed, completed, cancelled, timed-out. Replay-safe.
 * Made once per workflow (this module is evaluated per workflow), on first use: metricMeter needs a workflow context.
 */
let workOrderEventCounter: MetricCounter | undefined;
const workOrderEvents = (): MetricCounter => (workOrderEventCounter ??= metricMeter.createCounter('work_orders', 'work orders', 'Work-order lifecycle events'));

const STEPS_KEPT = 50;
const DEFAULT_HISTORY_EVENT_LIMIT = 10_000;

/**
 * The work order's state: what it has done, what it waits for, how it shows in the UI and in search.
 * The workflow function drives it; this class only records; `inbox` holds what arrived.
 */
export class WorkOrder {
  readonly view: WorkOrderView;
  readonly inbox: Inbox;
  #slaDeadlineMs: number | undefined;
  #closing = false;
  #lastTopTime: number;
  /** The search attributes wait for the next step (see `opened` and `startClosing`). */
  #indexWithNextStep = false;

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
    this.inbox = new Inbox(this.view, carried);
    // Views carried by runs of older code lack the seller and the creation time.
    if (carried) Object.assign(carried.view, { seller: input.seller, createdAt });
    this.inbox.listen(() => this.#snapshot());
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
    this.waitingFor(this.view.status === 'escalated' ? 'completion (SLA passed)' : 'progress or completion');
    const deadline = this.view.escalatedAt === undefined ? this.#slaDeadlineMs : undefined;
    const ready = () => this.inbox.pending > 0 || this.inbox.ending !== undefined || this.#historyIsLong();
    const woke = deadline === undefined ? (await condition(ready), true) : await condition(ready, Math.max(deadline - Date.now(), 1));
    if (!woke) return { kind: 'sla-breached' };
    if (this.#historyIsLong()) return { kind: 'continue-as-new' };
    const next = this.inbox.next();
    if (next) return { kind: 'progress', ...next };
    return { kind: 'end', ending: this.inbox.ending! };
  }

  /**
   * With `indexWithNextStep`, when a progress report or the ending already waits, search sees `open`
   * together with what that message changes: one upsert where there were two in the same workflow task.
   * (Should the run continue as new first, the next run acts on the waiting message at once, and indexes.)
   */
  opened({ indexWithNextStep = false } = {}): void {
    this.view.status = 'open';
    if (indexWithNextStep && (this.inbox.pending > 0 || this.inbox.ending !== undefined)) this.#indexWithNextStep = true;
    else this.#index();
    this.#showDetails();
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
    this.setStatus('escalated');
  }

  /**
   * With `indexWithNextStep` the status query and the UI say `closing` at once, but search sees it with the
   * next recorded step, so that the first closing call leaves in a workflow task of its own.
   */
  startClosing(ending: Ending, finalNode: string, { indexWithNextStep = false } = {}): void {
    this.#closing = true;
    this.inbox.end(ending);
    this.view.closingReason = ending.kind === 'cancelled' ? ending.reason : ending.kind === 'completed' ? ending.completion.resultMessage : 'SLA deadline passed';
    this.view.currentNode = finalNode;
    this.view.status = 'closing';
    if (indexWithNextStep) this.#indexWithNextStep = true;
    else this.#index();
    this.#showDetails();
  }

  closed(kind: Ending['kind']): WorkOrderView {
    this.view.closedAt = new Date().toISOString();
    workOrderEvents().add(1, { event: kind });
    this.waitingFor('nothing: closed');
    this.setStatus(kind);
    return this.#snapshot();
  }

  carry(): CarriedState {
    return {
      view: this.view,
      ...this.inbox.carry(),
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

  /** Closing has begun: a failed step can then only be retried, never cancelled. */
  get closing(): boolean {
    return this.#closing;
  }

  stepSucceeded(step: StepName, node: string | undefined): void {
    this.mayExistOnTop(step);
    this.#record({ step, node, at: new Date().toISOString(), outcome: 'ok' });
  }

  stepFailed(step: StepName, node: string | undefined, failure: StepFailure): void {
    const at = new Date().toISOString();
    this.#record({ step, node, at, outcome: 'failed', failure });
    this.view.lastError = { ...failure, step, at };
    workOrderEvents().add(1, { event: 'step_failed' });
  }

  /** What exists on TOP and must be closed: set when the step succeeded or was cut short with its outcome unknown. */
  mayExistOnTop(step: StepName): void {
    if (step === 'emit-created-event') this.view.onTop.createdEvent = true;
    if (step === 'open-case') this.view.onTop.case = true;
  }

  waitingFor(what: string): void {
    this.view.waitingFor = what;
    this.#showDetails();
  }

  setStatus(status: WorkOrderStatus): void {
    this.view.status = status;
    this.#index();
    this.#showDetails();
  }

  /** What the status query answers, and the workflow's result. */
  #snapshot(): WorkOrderView {
    return { ...this.view, progressPending: this.inbox.pending };
  }

  #historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (this.input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT);
  }

  #record(record: StepRecord): void {
    this.view.steps.push(record);
    if (this.view.steps.length > STEPS_KEPT) this.view.steps.splice(0, this.view.steps.length - STEPS_KEPT);
    this.view.stepCount += 1;
    if (this.#indexWithNextStep) this.#index();
    this.#showDetails();
  }

  /** The UI's "Current Details". Served by a query, never written to history, so replay is unaffected. */
  #showDetails(): void {
    setCurrentDetails(currentDetails(this.view));
  }

  #index(): void {
    this.#indexWithNextStep = false;
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
    return parseWorkOrderInput(raw);
  } catch (error) {
    if (error instanceof InvalidInputError) throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
    throw error;
  }
}
