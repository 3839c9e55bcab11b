import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const HISTORIES_DIR = resolve(__dirname, '../histories');

/**
 * The recordings' generation, named by its file suffix. The product has never been deployed, so until the
 * 1.0 release a workflow change re-records every scenario in place (delete the files, `npm run
 * record-histories`) instead of patching; from the release on, a change that alters histories adds a
 * generation (`-v2`, …) and recordings of every generation must keep replaying.
 */
export const HISTORY_GENERATIONS = [''] as const;
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
