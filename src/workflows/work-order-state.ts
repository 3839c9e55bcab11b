import { CancellationScope, condition, log, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { WorkOrderInput } from '../work-order/schemas';
import type { StepFailure, StepName, StepRecord, WorkOrderStatus, WorkOrderView } from '../work-order/view';
import { fairnessKeyOf } from '../work-order/priorities';
import { firstView, type CarriedState, type Phase } from './carried-state';
import { Inbox, type Ending, type NextMessage, type OperatorDecision } from './inbox';
import { ContinueAsNewRequested, EndRequested } from './interruptions';
import { RunPath } from './run-path';
import { TopClock } from './top-clock';
import { countWorkOrderEvent, searchMissingAttributes, searchStatusAndNode, showDetails } from './projections';

const STEPS_KEPT = 50;

/**
 * The work order's state: what it has done, what it waits for, and when search and the UI learn of it
 * (projections.ts writes them). The workflow function drives it and registers what it reacts to; this class
 * records, and owns the work order's waits (for the next message, for an operator); `inbox` holds what arrived.
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
  /** Which way this run's history goes (patches): how reports are sent, where the run continues as new. */
  readonly #path: RunPath;

  constructor(
    readonly input: WorkOrderInput,
    carried?: CarriedState,
  ) {
    this.#phase = carried?.phase ?? 'opening';
    this.#stepsDone = new Set(carried?.stepsDone);
    this.#awaitingOperator = carried?.awaitingOperator;
    this.#clock = new TopClock(carried?.lastTopTime);
    this.#path = new RunPath(carried);
    this.#slaDeadlineMs = carried ? carried.slaDeadlineMs : input.sla ? Date.now() + msToNumber(input.sla.within) : undefined;
    this.view = carried?.view ?? firstView(input, this.#slaDeadlineMs);
    if (!carried) countWorkOrderEvent('started');
    this.inbox = new Inbox(this.view, carried);
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Closing has begun: a failed step can then only be retried or skipped, and nothing cuts a call short. */
  get closing(): boolean {
    return this.#phase === 'closing';
  }

  get slaDeadlineMs(): number | undefined {
    return this.#slaDeadlineMs;
  }

  /** Search learns what a client did not set at start (e.g. a run started from the Temporal CLI or another SDK). */
  setMissingSearchAttributes(): void {
    searchMissingAttributes(this.input, this.view);
  }

  /** Waits for the next thing to act on, oldest message first; continues as new first when the history is long. */
  async nextMessage(): Promise<NextMessage> {
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

  /** Whether reports go the lean way (run-path.ts). */
  get leanReports(): boolean {
    return this.#path.leanReports;
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
    countWorkOrderEvent(kind);
    this.view.waitingFor = 'nothing: closed';
    this.view.status = kind;
    this.#updateSearchAttributes();
    showDetails(this.view);
    return this.snapshot();
  }

  nextRunSearchAttributes(): SearchAttributePair[] | undefined {
    return this.#path.nextRunSearchAttributes();
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
      ...this.#path.carry(),
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

  /** Runs a TOP call that cancellation or the SLA's close cuts short if it comes while the call is in flight (see watches.ts). */
  async cutShortOnStop(call: () => Promise<void>): Promise<void> {
    const scope = new CancellationScope();
    this.#stoppableCall = scope;
    try {
      await scope.run(call);
    } finally {
      this.#stoppableCall = undefined;
    }
  }

  cutShortCallInFlight(): void {
    this.#stoppableCall?.cancel();
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
    countWorkOrderEvent('step_failed');
    this.#record({ step, node, at, outcome: 'failed', failure });
  }

  /** An operator chose to go on without the step: recorded with the reason, counted, never sent again. */
  stepSkipped(step: StepName, node: string | undefined, reason: string, once: boolean): void {
    if (once) this.#stepsDone.add(step);
    countWorkOrderEvent('step_skipped');
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
    showDetails(this.view);
  }

  escalate(): void {
    this.view.escalatedAt = new Date().toISOString();
    countWorkOrderEvent('escalated');
    log.warn('work order passed its SLA deadline', { workOrderId: this.input.workOrderId, slaDeadline: this.view.slaDeadline });
    this.#refresh();
    showDetails(this.view);
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
  snapshot(): WorkOrderView {
    return { ...this.view, progressPending: this.inbox.pending };
  }

  #historyIsLong(): boolean {
    return this.#path.historyIsLong(this.input.historyEventLimit);
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

  #updateSearchAttributes(): void {
    this.#searchAttributesWithNextStep = false;
    searchStatusAndNode(this.view);
  }
}
