import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import type { Cancellation, Completion, ProgressReport } from '../work-order/schemas';
import { WORK_ORDER_CLOSED_FAILURE } from '../work-order/temporal-names';
import type { ProgressAck, WorkOrderView } from '../work-order/view';
import { cancelSignal, completeSignal, progressSignal, reportProgressUpdate, retrySignal, statusQuery } from './messages';
import { parseProgressReport, signalPayload } from './validation';

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

/** The messages a continued run takes over. */
export interface CarriedMessages {
  inbox: QueuedProgress[];
  seenProgressIds: string[];
  ending?: Ending;
}

const PROGRESS_IDS_KEPT = 1_000;

/**
 * The work order's message handlers and what they received: progress reports in order (each progressId
 * once), the first ending (completion or cancellation), an operator's retry. Handlers only record; the
 * workflow function acts.
 */
export class Inbox {
  readonly #queue: QueuedProgress[];
  readonly #seenProgressIds: Set<string>;
  #ending: Ending | undefined;
  /** Set by the operator's retry signal; cleared by whoever waits for it. */
  retryRequested = false;

  constructor(
    /** Counts received and rejected messages for the status. */
    readonly view: WorkOrderView,
    carried: CarriedMessages | undefined,
  ) {
    this.#queue = carried?.inbox ?? [];
    this.#seenProgressIds = new Set(carried?.seenProgressIds);
    this.#ending = carried?.ending;
  }

  /** Registers the handlers; `status` answers the status query. */
  listen(status: () => WorkOrderView): void {
    setHandler(statusQuery, status);
    setHandler(reportProgressUpdate, (raw) => this.#acceptProgress(parseProgressReport(raw)), {
      validator: (raw) => {
        parseProgressReport(raw);
        if (this.#ending) throw workOrderClosedFailure(this.view.workOrderId, this.#ending.kind);
      },
    });
    setHandler(progressSignal, (raw) => {
      const report = this.#validSignal(signalPayload.progress(raw), 'progress');
      if (report && !this.#ending) this.#acceptProgress(report);
    });
    setHandler(completeSignal, (raw) => {
      const done = this.#validSignal(signalPayload.completion(raw), 'completion');
      if (done && !this.#ending) this.#ending = { kind: 'completed', at: Date.now(), completion: done };
    });
    setHandler(cancelSignal, (raw) => {
      const cancel = this.#validSignal(signalPayload.cancellation(raw), 'cancellation');
      if (cancel) this.requestCancellation(cancel);
    });
    setHandler(retrySignal, () => {
      this.retryRequested = true;
    });
  }

  get ending(): Ending | undefined {
    return this.#ending;
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

  /** The oldest progress report not yet acted on. */
  next(): QueuedProgress | undefined {
    return this.#queue.shift();
  }

  carry(): CarriedMessages {
    return { inbox: this.#queue, seenProgressIds: [...this.#seenProgressIds].slice(-PROGRESS_IDS_KEPT), ending: this.#ending };
  }

  #acceptProgress(report: ProgressReport): ProgressAck {
    if (this.#seenProgressIds.has(report.progressId)) return { accepted: false, progressReceived: this.view.progressReceived };
    this.#seenProgressIds.add(report.progressId);
    this.#queue.push({ report, receivedAt: Date.now() });
    this.view.progressReceived += 1;
    return { accepted: true, progressReceived: this.view.progressReceived };
  }

  /** Signals have no validator: a malformed one is counted and logged, never acted on. */
  #validSignal<T>(payload: T | undefined, what: string): T | undefined {
    if (payload !== undefined) return payload;
    this.view.rejectedMessages += 1;
    log.warn(`rejected a malformed ${what} signal`, { workOrderId: this.view.workOrderId });
    return undefined;
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
