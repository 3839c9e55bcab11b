import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { HISTORIES_DIR } from '../helpers/histories';
import { installQuietRuntime } from '../helpers/temporal';

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};

/** Scenarios every workflow change must keep replaying; new ones are recorded with `npm run record-histories`. */
const SCENARIOS = ['happy-path', 'no-identification-case', 'no-alime', 'cancelled', 'sla-escalation', 'sla-timed-out', 'permanent-failure-then-retry', 'continue-as-new-last-run'];
/** The original recordings, and those made after the `notify-alime-first-on-close` patch (-v2). */
const REQUIRED = [...SCENARIOS, ...SCENARIOS.map((name) => `${name}-v2`), 'continue-as-new-first-run'];

const histories = readdirSync(HISTORIES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ name: file.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))) }));

describe('replay: today’s workflow code replays every recorded run', async () => {
  installQuietRuntime();
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietBundlerLogger });

  it('has a recorded history for every path', () => {
    assert.deepEqual(REQUIRED.filter((name) => !histories.some((h) => h.name === name)), []);
  });

  for (const { name, history } of histories) {
    it(name, async () => {
      await Worker.runReplayHistory({ workflowBundle: bundle, replayName: name }, history);
    });
  }

  it('a change that breaks old runs fails replay', async () => {
    const broken = await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/non-deterministic-workflows'), logger: quietBundlerLogger });
    const happy = histories.find((h) => h.name === 'happy-path')!;
    await assert.rejects(Worker.runReplayHistory({ workflowBundle: broken }, happy.history), DeterminismViolationError);
  });
});

