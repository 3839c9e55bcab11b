import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const HISTORIES_DIR = resolve(__dirname, '../histories');

/**
 * With RECORD_HISTORIES=1 (`npm run record-histories`), keeps the history of a finished scenario for the
 * replay suite. An existing file is never overwritten: each one proves that today's code still replays
 * runs recorded by older code. A changed scenario gets a new file name (e.g. a `-v2` suffix).
 */
export async function saveHistory(env: TestWorkflowEnvironment, workflowId: string, scenario: string, runId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = join(HISTORIES_DIR, `${scenario}.json`);
  if (existsSync(file)) return;
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(file, historyToJSON(history));
}
