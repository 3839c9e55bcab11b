import { patched, workflowInfo } from '@temporalio/workflow';

/** Patch id: the final 店小蜜 notification moved before the case is completed (closing latency). */
const NOTIFY_ALIME_FIRST_ON_CLOSE = 'notify-alime-first-on-close';
/**
 * Patch id: the first closing call leaves in a workflow task with nothing else in it — no `closing` search
 * status, no patch marker — which the server dispatches as fast as a plain workflow's (benchmark 2).
 */
const LEAN_CLOSE = 'lean-close';
/**
 * Patch id: when a report or completion arrived while the work order was opening, `open` reaches search
 * with that message's own upsert. Implies `lean-close`.
 */
const OPEN_INDEXED_WITH_NEXT_STEP = 'open-indexed-with-next-step';
/**
 * Patch id: the run's marker is written where opening ends, in the workflow task that upserts `open`, not
 * in its first task. sdk-core adds a `TemporalChangeVersion` upsert to every marker, and the server folds
 * the upserts of one workflow task into one visibility write: one write fewer per work order
 * (benchmark 2). Implies `open-indexed-with-next-step`.
 */
const MARKER_AT_OPEN = 'marker-at-open';

/**
 * Which of the workflow's changes this run follows, each decided once per run: a run recorded before a
 * change replays without its marker, and asked again later it would switch midway.
 */
export class RunChanges {
  /** The newest patch an older run recorded in its first workflow task. */
  readonly #recordedAtStart: typeof OPEN_INDEXED_WITH_NEXT_STEP | typeof LEAN_CLOSE | undefined;
  #markerAtOpen: boolean | undefined;

  /** A continued run does not open: it asks for the newest change at its start, and its marker goes there. */
  constructor({ continued }: { continued: boolean }) {
    // Runs of older code wrote their marker in their first workflow task; new runs write none there.
    // So those patches are asked only when replaying: replayed, `patched` finds the marker in the history
    // or answers false and records nothing, while a first task running live never follows an older
    // marker, and asking there would record one.
    if (workflowInfo().unsafe.isReplaying) {
      if (patched(OPEN_INDEXED_WITH_NEXT_STEP)) this.#recordedAtStart = OPEN_INDEXED_WITH_NEXT_STEP;
      else if (patched(LEAN_CLOSE)) this.#recordedAtStart = LEAN_CLOSE;
    }
    if (continued) this.markerAtOpen();
  }

  /**
   * The newest change. Asked where opening ends, so that its marker shares the workflow task that upserts
   * `open`; a run cancelled while opening asks when it closes.
   */
  markerAtOpen(): boolean {
    return (this.#markerAtOpen ??= patched(MARKER_AT_OPEN));
  }

  openIndexedWithNextStep(): boolean {
    return this.#recordedAtStart === OPEN_INDEXED_WITH_NEXT_STEP || this.markerAtOpen();
  }

  leanClose(): boolean {
    return this.#recordedAtStart !== undefined || this.markerAtOpen();
  }

  /** Asked only when closing: runs recorded before it closed the case first. */
  buyerFirstOnClose(): boolean {
    return this.leanClose() || patched(NOTIFY_ALIME_FIRST_ON_CLOSE);
  }
}
