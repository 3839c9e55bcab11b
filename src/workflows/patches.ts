/**
 * The workflow's patches (`patched(id)`), one constant each: the ids are recorded in histories and in the
 * `TemporalChangeVersion` search attribute, so they never change. Lifecycle: docs/changing-workflows.md.
 */

/**
 * 1.0.1: messages are checked by today's rules (well-formed Unicode, an SLA of at most a year, a seller
 * without quotes) where 1.0.0 took them; runs that took such a message under 1.0.0 replay it as 1.0.0 did.
 * Asked only for a message the two rules judge differently (workflows/validation.ts), so a work order whose
 * messages pass both records no marker.
 */
export const STRICT_INPUT = 'strict-input';

/**
 * 1.1.0: a progress report costs one workflow task. 店小蜜 is told by a local activity first (a regular
 * activity takes the call over when it would wait for the budget or a ban, fails transiently, or the worker
 * declines it), and the node reaches search with the next status change rather than with every report.
 * Asked once per run, at the first report or 店小蜜 call; a run that took it carries the answer into its
 * continued runs, so they record no marker.
 */
export const LEAN_REPORTS = 'lean-reports';

/**
 * 1.2.0: the lean way (LEAN_REPORTS) with shorter runs: a run continues as new past 60 events rather than 100
 * (run-length.ts), so a report to an evicted work order replays less. Asked where LEAN_REPORTS was, and first:
 * a new work order records this marker alone, a 1.1 history answers no and takes LEAN_REPORTS as recorded. A
 * run continued from a lean 1.1 run asks as it begins. A run that took it carries the answer into its
 * continued runs, so they record no marker.
 */
export const SHORTER_RUNS = 'shorter-runs';
