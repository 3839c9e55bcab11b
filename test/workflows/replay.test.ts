import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { createTracing } from '../../src/worker/tracing';
import { bundleWorkOrderWorkflows } from '../../src/worker/workflow-bundle';
import { LEAN_REPORTS, SHORTER_RUNS } from '../../src/workflows/patches';
import { HISTORIES_DIR, HISTORY_GENERATIONS, patchIdsOf } from '../helpers/histories';
import { installQuietRuntime } from '../helpers/temporal';

/** Scenarios every workflow change must keep replaying; recorded with `npm run record-histories`. */
const SCENARIOS = [
  'happy-path',
  'no-identification-case',
  'no-alime',
  'cancelled',
  'sla-escalation',
  'sla-timed-out',
  'permanent-failure-then-retry',
  'continue-as-new-first-run',
  'continue-as-new-last-run',
  'opening-retried-while-progress-arrived',
  'closing-step-skipped',
  'cancelled-while-opening',
  'sla-close-while-failed',
  'continued-while-failed-first-run',
  'continued-while-failed-last-run',
];
/** Paths a later generation's patch added, recorded from that generation on. */
const SINCE: Readonly<Record<string, (typeof HISTORY_GENERATIONS)[number]>> = {
  'strict-input-start-refused': '-1.0.1',
  'strict-input-signal-refused': '-1.0.1',
  'report-by-activity-after-local-failure': '-1.1.0',
  'reports-without-fairness-key': '-1.1.0',
  'runs-of-60-events-first-run': '-1.2.0',
  'runs-of-60-events-last-run': '-1.2.0',
  'continued-from-1.1-first-run': '-1.2.0',
  'continued-from-1.1-next-run': '-1.2.0',
};
const REQUIRED = HISTORY_GENERATIONS.flatMap((generation, index) =>
  [...SCENARIOS, ...Object.keys(SINCE)].filter((name) => HISTORY_GENERATIONS.indexOf(SINCE[name] ?? '') <= index).map((name) => `${name}${generation}`),
);

const histories = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ name: file.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))) }));

describe('replay: today’s workflow code replays every recorded run', async () => {
  installQuietRuntime();
  // The production bundle, tracing interceptors included: histories recorded before tracing existed must
  // replay through them too.
  const bundle = await bundleWorkOrderWorkflows();
  const { sinks } = createTracing({ serviceName: 'replay' });

  it('has a recorded history for every path', () => {
    assert.deepEqual(REQUIRED.filter((name) => !histories.some((h) => h.name === name)), []);
  });

  it('keeps the 1.0.0 recordings, the replay contract, exactly as released', () => {
    const released = readFileSync(join(HISTORIES_DIR, 'released-1.0.0.sha256'), 'utf8').trim().split('\n');
    assert.ok(released.length >= SCENARIOS.length);
    for (const line of released) {
      const [sha256, file] = line.split(/\s+/) as [string, string];
      assert.equal(createHash('sha256').update(readFileSync(join(HISTORIES_DIR, file))).digest('hex'), sha256, `${file} was changed or re-recorded`);
    }
  });

  /** The patches a recording's markers name, in order. */
  const patches = (name: string) => patchIdsOf(histories.find((h) => h.name === name)!.history);
  const since = (generation: string) => Object.keys(SINCE).filter((name) => SINCE[name] === generation);

  it('the 1.0.1 recordings of refused input took the strict-input patch; the others carry no marker', () => {
    for (const name of since('-1.0.1')) assert.ok(patches(`${name}-1.0.1`).includes('strict-input'), name);
    for (const name of SCENARIOS) assert.deepEqual(patches(`${name}-1.0.1`), [], name);
  });

  it('the 1.1.0 recordings took the lean-reports patch at most once a run: once in a work order’s first run, none in a run that carries it', () => {
    for (const name of REQUIRED.filter((name) => name.endsWith('-1.1.0'))) assert.ok(patches(name).filter((id) => id === LEAN_REPORTS).length <= 1, name);
    const firstRunsWithReports = ['happy-path', 'no-identification-case', 'cancelled', 'sla-escalation', 'permanent-failure-then-retry', 'continue-as-new-first-run', 'opening-retried-while-progress-arrived', ...since('-1.1.0')];
    for (const name of firstRunsWithReports) assert.deepEqual(patches(`${name}-1.1.0`), [LEAN_REPORTS], name);
    assert.deepEqual(patches('continue-as-new-last-run-1.1.0'), [], 'the continued run asks no patch');
  });

  it('the 1.2.0 recordings took the shorter-runs patch in lean-reports’ place, once in a work order’s life; a run continued from 1.1 asks it as it begins', () => {
    const firstRunsWithReports = ['happy-path', 'no-identification-case', 'cancelled', 'sla-escalation', 'permanent-failure-then-retry', 'continue-as-new-first-run', 'opening-retried-while-progress-arrived', 'report-by-activity-after-local-failure', 'reports-without-fairness-key', 'runs-of-60-events-first-run'];
    for (const name of firstRunsWithReports) assert.deepEqual(patches(`${name}-1.2.0`), [SHORTER_RUNS], name);
    for (const name of ['continue-as-new-last-run', 'runs-of-60-events-last-run']) assert.deepEqual(patches(`${name}-1.2.0`), [], `${name}: the continued run asks no patch`);
    assert.deepEqual(patches('continued-from-1.1-first-run-1.2.0'), [LEAN_REPORTS], 'begun by 1.1.1');
    assert.deepEqual(patches('continued-from-1.1-next-run-1.2.0'), [SHORTER_RUNS]);
  });

  for (const { name, history } of histories) {
    it(name, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle, replayName: name, sinks }, history);
    });
  }

  it('a change that breaks old runs fails replay', async () => {
    const broken = await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/non-deterministic-workflows'), logger: new DefaultLogger('ERROR') });
    const happy = histories.find((h) => h.name === 'happy-path')!;
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: broken }, happy.history), DeterminismViolationError);
  });
});

