import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const HISTORIES_DIR = resolve(__dirname, '../histories');

/**
 * The recordings' generations, named by their file suffix. The first ('') is the 1.0.0 release's: its files
 * are the replay contract, checked against test/histories/released-1.0.0.sha256, and are never re-recorded.
 * A workflow change that alters histories is patched and adds a generation (`-v2`, …), recorded under the
 * new code; every generation keeps replaying until docs/changing-workflows.md's lifecycle retires it.
 * `-1.0.1`: recorded under the `strict-input` patch (its marker in every new run's first workflow task).
 */
export const HISTORY_GENERATIONS = ['', '-1.0.1'] as const;
const CURRENT_GENERATION = HISTORY_GENERATIONS.at(-1)!;

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), keeps the history of a finished scenario for the
 * replay suite, under the current generation's name. An existing file is never overwritten: each one
 * proves that today's code still replays runs recorded by older code.
 */
export async function saveHistory(env: TestWorkflowEnvironment, workflowId: string, scenario: string, runId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = join(HISTORIES_DIR, `${scenario}${CURRENT_GENERATION}.json`);
  if (existsSync(file)) return;
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(file, historyToJSON(history));
}
