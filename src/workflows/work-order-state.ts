import { ApplicationFailure, CancellationScope, condition, log, metricMeter, patched, setCurrentDetails, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, type MetricCounter, type SearchAttributePair, type SearchAttributeUpdatePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { InvalidInputError, type ProgressReport, type WorkOrderInput, type WorkOrderInputRaw } from '../work-order/schemas';
import type { StepFailure, StepName, StepRecord, WorkOrderStatus, WorkOrderView } from '../work-order/view';
import { fairnessKeyOf } from '../work-order/priorities';
import { currentDetails } from './current-details';
import { Inbox, type CarriedMessages, type Ending, type OperatorDecision } from './inbox';
import { ContinueAsNewRequested, EndRequested } from './interruptions';
import { BIZ_ORDER_ID, SELLER, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from './search-attributes';
import { TopClock } from './top-clock';
import { LEAN_REPORTS, STRICT_INPUT } from './patches';
import { parseWorkOrderInput } from './validation';

export type { Ending };

/** Where the work order is in its life: a continued run picks up in the same phase. */
export type Phase = 'opening' | 'open' | 'closing';

/** Everything a continued run needs: the view, where it stood, and the messages not yet acted on. */
export interface CarriedState extends CarriedMessages {
  view: WorkOrderView;
  phase: Phase;
  /** The phase's once-only steps already done (sent or skipped): the next run does not send them again. */
  stepsDone: StepName[];
  /** The step that was waiting for an operator: the next run waits again rather than calling TOP unasked. */
  awaitingOperator?: StepName;
  slaDeadlineMs?: number;
  /** The latest time sent to TOP. */
  lastTopTime: number;
  /** A run before took the lean report path (1.1.0): this one takes it without asking `patched` again. */
  leanReports?: true;
}

export type NextEvent = { kind: 'progress'; report: ProgressReport; receivedAt: number } | { kind: 'end'; ending: Ending };

/**
 * `work_orders{event}`: started, escalated, step_failed, step_skipped, completed, cancelled, timed-out.
 * Replay-safe. Made once per workflow (this module is evaluated per workflow), on first use: metricMeter
 * needs a workflow context.
 */
let workOrderEventCounter: MetricCounter | undefined;
const workOrderEvents = (): MetricCounter => (workOrderEventCounter ??= metricMeter.createCounter('work_orders', 'work orders', 'Work-order lifecycle events'));

const STEPS_KEPT = 50;

/** Where Temporal lists the patches a run took (written by the SDK when `patched` first answers yes). */
const CHANGE_VERSION = defineSearchAttributeKey('TemporalChangeVersion', 'KEYWORD_LIST');
/**
 * A run continues as new once its history passes this many events (the start input's `historyEventLimit`
 * overrides it). A work order no worker holds replays its current run before it takes a report: on average
 * half a run, at a few ms of CPU per workflow task; a new run costs about one workflow's creation. 1.0 ran
 * about three reports a run (two workflow tasks and twelve events each). On the lean path (a report is one
 * workflow task and about seven events) a run takes about fifteen: Updates that arrive as a run continues as
 * new wait for the next one, and at five reports a run the Update p99 was 1.7–2.0 s, against 0.4 s at fifteen
 * (bench/results/report-cost.md; the benchmark's `BENCH_HISTORY_EVENT_LIMIT` weighs other bounds). A work
 * order of 20 reports is two runs in the UI.
 */
const HISTORY_EVENT_LIMIT = { '1.0': 40, lean: 100 } as const;

/**
 * The work order's state: what it has done, what it waits for, how it shows in the UI and in search.
 * The workflow function drives it; this class records, and owns the work order's waits (for the next
 * message, for an operator) and its one SLA timer; `inbox` holds what arrived.
 */
export class WorkOrder {
  readonly view: WorkOrderView;
  readonly inbox: Inbox;
  #phase: Phase;
  readonly #stepsDone: Set<StepName>;
  #awaitingOperator: StepName | undefined;
  readonly #slaDeadlineMs: number | undefined;
  readonly #clock: TopClock;
  /** Search sees the status with the next recorded step (see `opened` and `startClosing`). */
  #searchAttributesWithNextStep = false;
  /** The TOP call in flight that a stop may cut short (see `cutShortOnStop`). */
  #stoppableCall: CancellationScope | undefined;
  /** Whether this run sends reports the lean way (see `leanReports`): decided once, on first use. */
  #leanReports: boolean | undefined;

  constructor(
    readonly input: WorkOrderInput,
    carried?: CarriedState,
  ) {
    this.#phase = carried?.phase ?? 'opening';
    this.#stepsDone = new Set(carried?.stepsDone);
    this.#awaitingOperator = carried?.awaitingOperator;
    this.#clock = new TopClock(carried?.lastTopTime);
    this.#leanReports = carried?.leanReports;
    this.#slaDeadlineMs = carried ? carried.slaDeadlineMs : input.sla ? Date.now() + msToNumber(input.sla.within) : undefined;
    this.view = carried?.view ?? {
      workOrderId: input.workOrderId,
      seller: input.seller,
      status: 'opening',
      createdAt: workflowInfo().startTime.toISOString(),
      onTop: { createdEvent: 'no', case: 'no' },
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
    this.inbox.listen(() => this.#snapshot());
    this.#watchSla();
    this.#watchStop();
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Closing has begun: a failed step can then only be retried or skipped, and nothing cuts a call short. */
  get closing(): boolean {
    return this.#phase === 'closing';
  }

  /** Sets the search attributes a client did not set at start (e.g. a run started from the Temporal CLI or another SDK). */
  setMissingSearchAttributes(): void {
    const current = workflowInfo().typedSearchAttributes;
    const missing: SearchAttributeUpdatePair[] = [];
    if (current.get(WORK_ORDER_ID) === undefined) missing.push({ key: WORK_ORDER_ID, value: this.input.workOrderId });
    if (current.get(SELLER) === undefined) missing.push({ key: SELLER, value: this.input.seller });
    if (this.input.bizOrderId && current.get(BIZ_ORDER_ID) === undefined) missing.push({ key: BIZ_ORDER_ID, value: this.input.bizOrderId });
    if (current.get(WORK_ORDER_STATUS) !== this.view.status) missing.push({ key: WORK_ORDER_STATUS, value: this.view.status });
    if (current.get(WORK_ORDER_NODE) !== this.view.currentNode) missing.push({ key: WORK_ORDER_NODE, value: this.view.currentNode });
    if (missing.length) upsertSearchAttributes(missing);
  }

  /** Waits for the next thing to act on, oldest message first; continues as new first when the history is long. */
  async nextEvent(): Promise<NextEvent> {
    this.waitingFor(this.view.escalatedAt ? 'completion (SLA passed)' : 'progress or completion');
    await condition(() => this.inbox.pending > 0 || this.inbox.ending !== undefined || this.#historyIsLong());
    if (this.#historyIsLong()) throw new ContinueAsNewRequested();
    const next = this.inbox.peek();
    if (next) return { kind: 'progress', ...next };
    return { kind: 'end', ending: this.inbox.ending! };
  }

  /**
   * Waits for an operator's retry or skip of the failed step. Before closing, cancellation and the SLA's
   * close end the wait (EndRequested); a long history continues the run as new, still waiting.
   */
  async awaitOperator(step: StepName): Promise<OperatorDecision> {
    this.waitingFor(`operator retry or skip of ${step}: ${this.view.lastError?.message ?? 'failed'}`);
    const { inbox } = this;
    inbox.decision = undefined;
    const stop = () => (this.closing ? undefined : inbox.stopRequested);
    await condition(() => inbox.decision !== undefined || stop() !== undefined || this.#historyIsLong());
    const { decision } = inbox;
    if (decision) {
      inbox.decision = undefined;
      this.#awaitingOperator = undefined;
      this.#refresh();
      return decision;
    }
    if (this.#historyIsLong()) throw new ContinueAsNewRequested();
    throw new EndRequested(stop()!);
  }

  /**
   * Opening is done. When a progress report or the ending already waits, search sees `open` together with
   * what that message changes: one search update where there would be two in the same workflow task.
   */
  opened(): void {
    this.#enter('open');
    this.#refresh({ withNextStep: this.inbox.pending > 0 || this.inbox.ending !== undefined });
  }

  /**
   * Whether reports go the lean way (LEAN_REPORTS): 店小蜜 told by a local activity first, the node in search
   * only with a status change. Decided at the run's first report or 店小蜜 call, where a 1.0 history shows
   * which way it went; a run that started lean carries the answer.
   */
  get leanReports(): boolean {
    return (this.#leanReports ??= patched(LEAN_REPORTS));
  }

  /**
   * Whether 店小蜜 is told from inside the workflow task (a local activity): the lean way, and only in a run
   * started with the seller as its fairness key, as the client starts it and docs/contract.md asks of every
   * backend. A call inside a workflow task takes that task's place in the server's queue; without the key
   * it would be outside the seller's fair share, so such a run sends its calls as regular activities, which
   * carry the key themselves.
   */
  get callsInsideWorkflowTasks(): boolean {
    return this.leanReports && workflowInfo().priority?.fairnessKey === fairnessKeyOf(this.input.seller);
  }

  /**
   * A report moves the work order to its node. The lean way, search learns the node with the next status
   * change (or now, when a status change waits to be written): a visibility write per report is what a sale
   * day cannot afford. The status query and the UI's details show it at once either way.
   */
  reachNode(node: string): void {
    this.view.currentNode = node;
    if (!this.leanReports || this.#searchAttributesWithNextStep) this.#refresh();
  }

  /**
   * The status query and the UI say `closing` at once; search sees it with the next recorded step, so
   * that the first closing call (the buyer's final 店小蜜 notification) leaves in a workflow task of its own.
   * A run continued while closing calls it again, changing nothing (a closing step that waited for an
   * operator waits again).
   */
  startClosing(ending: Ending, finalNode: string): void {
    // An operator's wait from before closing is over; one from a closing step carries into a continued run.
    if (this.#phase !== 'closing') {
      this.#enter('closing');
      this.#awaitingOperator = undefined;
    }
    this.inbox.end(ending);
    this.view.closingReason = ending.kind === 'cancelled' ? ending.reason : ending.kind === 'completed' ? ending.completion.resultMessage : 'SLA deadline passed';
    this.view.currentNode = finalNode;
    this.#refresh({ withNextStep: true });
  }

  closed(kind: Ending['kind']): WorkOrderView {
    this.view.closedAt = new Date().toISOString();
    workOrderEvents().add(1, { event: kind });
    this.view.waitingFor = 'nothing: closed';
    this.view.status = kind;
    this.#updateSearchAttributes();
    this.#showDetails();
    return this.#snapshot();
  }

  /**
   * The next run's search attributes: today's, and, once the run took the lean way, the patch in
   * `TemporalChangeVersion`, which a continued run does not inherit. The next run carries the decision and
   * asks no patch; the rollback that finds runs by their patch (docs/changing-workflows.md) finds it all the same.
   */
  nextRunSearchAttributes(): SearchAttributePair[] | undefined {
    if (!this.#leanReports) return undefined; // as before 1.1.0
    const attributes = workflowInfo().typedSearchAttributes;
    const current = attributes.getAll().filter((pair) => pair.key.name !== CHANGE_VERSION.name);
    const versions = attributes.get(CHANGE_VERSION) ?? [];
    return [...current, { key: CHANGE_VERSION, value: versions.includes(LEAN_REPORTS) ? versions : [...versions, LEAN_REPORTS] }];
  }

  carry(): CarriedState {
    return {
      view: this.view,
      ...this.inbox.carry(),
      phase: this.#phase,
      stepsDone: [...this.#stepsDone],
      awaitingOperator: this.#awaitingOperator,
      slaDeadlineMs: this.#slaDeadlineMs,
      lastTopTime: this.#clock.last,
      leanReports: this.#leanReports || undefined,
    };
  }

  /** The time to send TOP for something that happened at `at`: never earlier than a time already sent. */
  topTime(at: number): number {
    return this.#clock.stamp(at);
  }

  hasDone(step: StepName): boolean {
    return this.#stepsDone.has(step);
  }

  wasAwaitingOperator(step: StepName): boolean {
    return this.#awaitingOperator === step;
  }

  /** Runs a TOP call that cancellation or the SLA's close cuts short if it comes while the call is in flight. */
  async cutShortOnStop(call: () => Promise<void>): Promise<void> {
    const scope = new CancellationScope();
    this.#stoppableCall = scope;
    try {
      await scope.run(call);
    } finally {
      this.#stoppableCall = undefined;
    }
  }

  stepSucceeded(step: StepName, node: string | undefined, once: boolean): void {
    if (step === 'emit-created-event') this.view.onTop.createdEvent = 'yes';
    if (step === 'open-case') this.view.onTop.case = 'yes';
    if (once) this.#stepsDone.add(step);
    this.#record({ step, node, at: new Date().toISOString(), outcome: 'ok' });
  }

  stepFailed(step: StepName, node: string | undefined, failure: StepFailure): void {
    const at = new Date().toISOString();
    this.view.lastError = { ...failure, step, at };
    this.#awaitingOperator = step;
    workOrderEvents().add(1, { event: 'step_failed' });
    this.#record({ step, node, at, outcome: 'failed', failure });
  }

  /** An operator chose to go on without the step: recorded with the reason, counted, never sent again. */
  stepSkipped(step: StepName, node: string | undefined, reason: string, once: boolean): void {
    if (once) this.#stepsDone.add(step);
    workOrderEvents().add(1, { event: 'step_skipped' });
    log.warn('work order step skipped by an operator', { workOrderId: this.input.workOrderId, step, reason });
    this.#record({ step, node, at: new Date().toISOString(), outcome: 'skipped', skipReason: reason });
  }

  /** The step's call may have reached TOP without our hearing back: what it opens is then `unknown`, never taken as absent. */
  mayHaveReachedTop(step: StepName): void {
    const { onTop } = this.view;
    if (step === 'emit-created-event' && onTop.createdEvent === 'no') onTop.createdEvent = 'unknown';
    if (step === 'open-case' && onTop.case === 'no') onTop.case = 'unknown';
  }

  waitingFor(what: string): void {
    this.view.waitingFor = what;
    this.#showDetails();
  }

  escalate(): void {
    this.view.escalatedAt = new Date().toISOString();
    workOrderEvents().add(1, { event: 'escalated' });
    log.warn('work order passed its SLA deadline', { workOrderId: this.input.workOrderId, slaDeadline: this.view.slaDeadline });
    this.#refresh();
    this.#showDetails();
  }

  /**
   * One timer for the work order's life (a continued run starts it for what is left): it escalates
   * wherever the work order stands — opening, open, waiting for an operator — and with `onBreach: close`
   * asks for the close, which every wait before closing takes.
   */
  #watchSla(): void {
    if (this.#slaDeadlineMs === undefined || this.view.escalatedAt !== undefined || this.closing) return;
    void sleep(Math.max(this.#slaDeadlineMs - Date.now(), 1)).then(
      () => {
        if (this.closing) return;
        this.escalate();
        if (this.input.sla?.onBreach === 'close' && !this.inbox.ending) this.inbox.end({ kind: 'timed-out', at: Date.now() });
      },
      () => undefined, // cancelled with the workflow: closing takes over
    );
  }

  /**
   * One watch for the run's life, rather than one per call: the first stop (cancellation, the SLA's close)
   * cuts the call in flight short. A stop between calls is taken by the waits and by runStep before a call.
   */
  #watchStop(): void {
    if (this.closing) return;
    void condition(() => this.inbox.stopRequested !== undefined).then(
      () => this.#stoppableCall?.cancel(),
      () => undefined, // cancelled with the workflow: the call in flight is cancelled with it
    );
  }

  #enter(phase: Phase): void {
    this.#phase = phase;
    this.#stepsDone.clear();
  }

  /** Failed (waiting for an operator) shows above all, so that `WorkOrderStatus = "failed"` finds every stuck work order. */
  #status(): WorkOrderStatus {
    if (this.#awaitingOperator) return 'failed';
    if (this.#phase === 'closing') return 'closing';
    if (this.view.escalatedAt) return 'escalated';
    return this.#phase;
  }

  /** What the status query answers, and the workflow's result. */
  #snapshot(): WorkOrderView {
    return { ...this.view, progressPending: this.inbox.pending };
  }

  #historyIsLong(): boolean {
    const info = workflowInfo();
    // The lean bound once this run has taken the lean way (or carried it): a 1.0 run replays with 1.0's.
    const limit = this.input.historyEventLimit ?? HISTORY_EVENT_LIMIT[this.#leanReports ? 'lean' : '1.0'];
    return info.continueAsNewSuggested || info.historyLength > limit;
  }

  #record(record: StepRecord): void {
    this.view.steps.push(record);
    if (this.view.steps.length > STEPS_KEPT) this.view.steps.splice(0, this.view.steps.length - STEPS_KEPT);
    this.view.stepCount += 1;
    this.view.status = this.#status();
    if (this.#searchAttributesWithNextStep || record.outcome === 'failed') this.#updateSearchAttributes();
  }

  /** The status from the state, shown now; in search now, or with the next recorded step. */
  #refresh({ withNextStep = false } = {}): void {
    this.view.status = this.#status();
    if (withNextStep) this.#searchAttributesWithNextStep = true;
    else this.#updateSearchAttributes();
  }

  /**
   * The UI's "Current Details". Served by a query, never written to history, so replay is unaffected.
   * Rendered where the work order starts to wait (`waitingFor`, and the SLA's escalation, which comes during
   * a wait) and when it closes: once per workflow task, not once per change.
   */
  #showDetails(): void {
    setCurrentDetails(currentDetails(this.view));
  }

  #updateSearchAttributes(): void {
    this.#searchAttributesWithNextStep = false;
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
 * anything is sent to TOP: a thrown plain error would instead retry the workflow task forever. A new work
 * order is held to today's rules; a continued run's input was accepted by its first run, under its rules.
 */
export function startInput(raw: WorkOrderInputRaw, continued: boolean): WorkOrderInput {
  try {
    return parseWorkOrderInput(raw, () => !continued && patched(STRICT_INPUT));
  } catch (error) {
    if (error instanceof InvalidInputError) throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
    throw error;
  }
}
