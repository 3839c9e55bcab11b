import { ApplicationFailure, log, patched, setHandler } from '@temporalio/workflow';
import type { Cancellation, Completion, ProgressReport, StepSkip } from '../work-order/schemas';
import { PROGRESS_REFUSED_FAILURE, WORK_ORDER_CLOSED_FAILURE, type ProgressRefusal } from '../work-order/temporal-names';
import type { ProgressAck, WorkOrderView } from '../work-order/view';
import { cancelSignal, completeSignal, progressSignal, reportProgressUpdate, retrySignal, skipSignal, statusQuery } from '../work-order/messages';
import { STRICT_INPUT } from './patches';
import { acceptedProgressReport, signalPayload, validProgressReport } from './validation';
import { utf8Length } from '../common/utf8';

/** How a work order ends. */
export type Ending =
  | { kind: 'completed'; at: number; completion: Completion }
  | { kind: 'cancelled'; at: number; reason: string }
  | { kind: 'timed-out'; at: number };

/** A progress report waiting to be sent, with the time it was received. */
export interface QueuedProgress {
  report: ProgressReport;
  receivedAt: number;
}

/** What the work order acts on next: the oldest report waiting to be sent, or its ending. */
export type NextMessage = { kind: 'progress'; report: ProgressReport; receivedAt: number } | { kind: 'end'; ending: Ending };

/** The messages a continued run takes over. */
export interface CarriedMessages {
  inbox: QueuedProgress[];
  /** Every progress id the work order has received, over all its runs. */
  seenProgressIds: string[];
  ending?: Ending;
}

/**
 * What a work order carries is bounded, so that it always fits the input of its next run (Temporal's 2 MB
 * payload limit) with room for the rest of its state. Past a bound, an Update is refused with a
 * ProgressRefused failure that says which; nothing accepted is ever dropped.
 * - Reports waiting to be sent (e.g. while a step waits for an operator): at most 1,000 and 1 MiB of JSON.
 *   The sender retries later, once 店小蜜 has been told the waiting ones.
 * - Progress ids, kept for the work order's whole life so that a resent id is recognised however long
 *   ago it was first sent: at most 256 KiB of ids (about 10,000 ids of 20 characters).
 */
export const PROGRESS_BOUNDS = { queuedReports: 1_000, queuedBytes: 1024 * 1024, progressIdBytes: 256 * 1024 } as const;

/** An operator's answer to a step waiting for one. */
export type OperatorDecision = { kind: 'retry' } | { kind: 'skip'; reason: string };

/**
 * The work order's message handlers and what they received: progress reports in order (each progressId
 * once in the work order's life), the first ending (completion or cancellation), an operator's decision.
 * Handlers only record; the workflow function acts.
 */
export class Inbox {
  readonly #queue: QueuedProgress[];
  #queuedBytes: number;
  readonly #seenProgressIds: Set<string>;
  #seenIdBytes: number;
  #ending: Ending | undefined;
  /** Set by the operator's retry or skip signal; cleared by whoever waits for it. */
  decision: OperatorDecision | undefined;

  constructor(
    /** Counts received and rejected messages for the status. */
    readonly view: WorkOrderView,
    carried: CarriedMessages | undefined,
  ) {
    this.#queue = carried?.inbox ?? [];
    this.#queuedBytes = this.#queue.reduce((sum, queued) => sum + reportBytes(queued.report), 0);
    this.#seenProgressIds = new Set(carried?.seenProgressIds);
    this.#seenIdBytes = carried?.seenProgressIds.reduce((sum, id) => sum + utf8Length(id), 0) ?? 0;
    this.#ending = carried?.ending;
  }

  /** Registers the handlers; `status` answers the status query. */
  listen(status: () => WorkOrderView): void {
    setHandler(statusQuery, status);
    // The validator, never run in replay, refuses by today's rules; the handler takes what it took.
    setHandler(reportProgressUpdate, (raw) => this.#acceptProgress(acceptedProgressReport(raw)), {
      validator: (raw) => {
        const report = validProgressReport(raw);
        if (this.#ending) throw workOrderClosedFailure(this.view.workOrderId, this.#ending.kind);
        const refusal = this.#refusal(report);
        if (refusal) throw ApplicationFailure.create({ type: PROGRESS_REFUSED_FAILURE, message: refusal.message, details: [refusal.reason], nonRetryable: true });
      },
    });
    setHandler(progressSignal, (raw) => {
      const report = this.#validSignal(signalPayload.progress(raw, todaysRules), 'progress');
      if (!report || this.#ending) return;
      const refusal = this.#refusal(report);
      if (refusal) this.#reject(`progress signal ${report.progressId} refused: ${refusal.message}`);
      else this.#acceptProgress(report);
    });
    setHandler(completeSignal, (raw) => {
      const done = this.#validSignal(signalPayload.completion(raw, todaysRules), 'completion');
      if (done && !this.#ending) this.#ending = { kind: 'completed', at: Date.now(), completion: done };
    });
    setHandler(cancelSignal, (raw) => {
      const cancel = this.#validSignal(signalPayload.cancellation(raw, todaysRules), 'cancellation');
      if (cancel) this.requestCancellation(cancel);
    });
    setHandler(retrySignal, () => {
      this.decision = { kind: 'retry' };
    });
    setHandler(skipSignal, (raw) => {
      const skip: StepSkip | undefined = this.#validSignal(signalPayload.skip(raw, todaysRules), 'skip');
      if (skip) this.decision = { kind: 'skip', reason: skip.reason };
    });
  }

  get ending(): Ending | undefined {
    return this.#ending;
  }

  /** An ending that stops the work order where it stands: cancellation or the SLA's close, not completion. */
  get stopRequested(): Ending | undefined {
    return this.#ending?.kind === 'completed' ? undefined : this.#ending;
  }

  /** The ending the workflow itself decided on (SLA close, cancellation through Temporal) takes over. */
  end(ending: Ending): void {
    this.#ending = ending;
  }

  /** First cancellation wins; ignored once the work order is ending another way. */
  requestCancellation(cancel: Cancellation): void {
    if (!this.#ending) this.#ending = { kind: 'cancelled', at: Date.now(), reason: cancel.reason };
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** The oldest progress report not yet sent; it stays queued (and is carried over) until `sent`. */
  peek(): QueuedProgress | undefined {
    return this.#queue[0];
  }

  /** The oldest report has been sent to 店小蜜 (or an operator skipped it). */
  sent(): void {
    const sent = this.#queue.shift();
    if (sent) this.#queuedBytes -= reportBytes(sent.report);
  }

  carry(): CarriedMessages {
    return { inbox: this.#queue, seenProgressIds: [...this.#seenProgressIds], ending: this.#ending };
  }

  #acceptProgress(report: ProgressReport): ProgressAck {
    if (this.#seenProgressIds.has(report.progressId)) return { accepted: false, progressReceived: this.view.progressReceived };
    this.#seenProgressIds.add(report.progressId);
    this.#seenIdBytes += utf8Length(report.progressId);
    this.#queue.push({ report, receivedAt: Date.now() });
    this.#queuedBytes += reportBytes(report);
    this.view.progressReceived += 1;
    return { accepted: true, progressReceived: this.view.progressReceived };
  }

  /** Why a new report cannot be taken, or undefined. A resent id is never refused: it changes nothing. */
  #refusal(report: ProgressReport): { reason: ProgressRefusal; message: string } | undefined {
    if (this.#seenProgressIds.has(report.progressId)) return undefined;
    const id = this.view.workOrderId;
    if (this.#queue.length >= PROGRESS_BOUNDS.queuedReports || this.#queuedBytes + reportBytes(report) > PROGRESS_BOUNDS.queuedBytes) {
      return {
        reason: 'queue-full',
        message: `work order ${id} already holds ${this.#queue.length} progress reports (${this.#queuedBytes} bytes) not yet sent to 店小蜜 (${this.view.waitingFor}); send this one again later`,
      };
    }
    if (this.#seenIdBytes + utf8Length(report.progressId) > PROGRESS_BOUNDS.progressIdBytes) {
      return {
        reason: 'progress-ids-full',
        message: `work order ${id} has used all ${PROGRESS_BOUNDS.progressIdBytes} bytes of progress ids it keeps (${this.#seenProgressIds.size} reports); it takes no more progress`,
      };
    }
    return undefined;
  }

  /** Signals have no validator: a malformed one is counted and logged, never acted on. */
  #validSignal<T>(payload: T | undefined, what: string): T | undefined {
    if (payload !== undefined) return payload;
    this.#reject(`rejected a malformed ${what} signal`);
    return undefined;
  }

  #reject(why: string): void {
    this.view.rejectedMessages += 1;
    log.warn(why, { workOrderId: this.view.workOrderId });
  }
}

/** Whether a message only 1.0.0's rules take is refused: yes, except in a run that took it under 1.0.0. */
const todaysRules = (): boolean => patched(STRICT_INPUT);

/** The Update validator's refusal once the work order is ending: the client turns it into WorkOrderClosedError. */
function workOrderClosedFailure(workOrderId: string, ending: Ending['kind']): ApplicationFailure {
  return ApplicationFailure.create({
    type: WORK_ORDER_CLOSED_FAILURE,
    message: `work order ${workOrderId} is closing (${ending}); progress is no longer accepted`,
    details: [ending],
    nonRetryable: true,
  });
}

const reportBytes = (report: ProgressReport): number => utf8Length(JSON.stringify(report));
