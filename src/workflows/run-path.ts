import { patched } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { CarriedState } from './carried-state';
import { LEAN_REPORTS, SHORTER_RUNS } from './patches';
import { nextRunSearchAttributes } from './projections';
import { historyIsLong } from './run-length';

/**
 * The path a run's history takes, decided by patches and carried into continued runs, so that each history
 * replays the way it was recorded: 1.0's, 1.1's lean one (LEAN_REPORTS), or today's (SHORTER_RUNS).
 */
export class RunPath {
  /** Whether this run sends reports the lean way (see `leanReports`): decided once, on first use. */
  #leanReports: boolean | undefined;
  /** Whether a lean run continues as new at today's bound (SHORTER_RUNS) or at 1.1's: decided with `leanReports`. */
  #shorterRuns: boolean | undefined;

  constructor(carried?: Pick<CarriedState, 'leanReports' | 'shorterRuns'>) {
    this.#leanReports = carried?.leanReports;
    // A run continued from a lean 1.1 run asks as it begins; any other run where it decides the lean way.
    this.#shorterRuns = carried?.shorterRuns ?? (carried?.leanReports ? patched(SHORTER_RUNS) : undefined);
  }

  /**
   * Whether reports go the lean way: 店小蜜 told by a local activity first, the node in search only with a
   * status change. Decided at the run's first report or 店小蜜 call, where a 1.0 history shows which way it
   * went; a run that started lean carries the answer.
   */
  get leanReports(): boolean {
    if (this.#leanReports === undefined) {
      // Today's path (SHORTER_RUNS) is the lean way with shorter runs, one marker; a 1.1 history took the lean way alone.
      this.#shorterRuns = patched(SHORTER_RUNS);
      this.#leanReports = this.#shorterRuns || patched(LEAN_REPORTS);
    }
    return this.#leanReports;
  }

  /** Whether the run should continue as new, by the bound its history was recorded under (run-length.ts). */
  historyIsLong(override?: number): boolean {
    return historyIsLong(!this.#leanReports ? '1.0' : this.#shorterRuns ? '1.2' : '1.1', override);
  }

  /** The next run's search attributes: inherited as they are, unless this run took the lean way (see projections.ts). */
  nextRunSearchAttributes(): SearchAttributePair[] | undefined {
    if (!this.#leanReports) return undefined; // as before 1.1.0
    return nextRunSearchAttributes(this.#shorterRuns ? SHORTER_RUNS : LEAN_REPORTS);
  }

  carry(): Pick<CarriedState, 'leanReports' | 'shorterRuns'> {
    return { leanReports: this.#leanReports || undefined, shorterRuns: this.#shorterRuns || undefined };
  }
}
