import type { Ending } from './inbox';

/**
 * Thrown out of a wait (a step waiting for an operator, a TOP call in flight, the idle wait) when the
 * work order must stop where it stands: cancellation, or the SLA's close. The workflow closes on TOP.
 */
export class EndRequested extends Error {
  constructor(readonly ending: Ending) {
    super(`work order ending (${ending.kind}) while it waited`);
  }
}

/**
 * Thrown out of any wait once the run's history is long: the workflow continues as new from where it
 * stands, carrying its state (a step waiting for an operator waits again in the next run, unsent).
 */
export class ContinueAsNewRequested extends Error {
  constructor() {
    super('history is long: continuing as new');
  }
}
