import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const HISTORIES_DIR = resolve(__dirname, '../histories');

/**
 * Each generation of recordings, named by its file suffix: the originals (no suffix); `-v2`, after the
 * `notify-alime-first-on-close` patch; `-v3`, with the tracing interceptors in client and workflow; `-v4`,
 * with TOP times from the work order's clock (opening steps at creation), the start input validated in the
 * workflow, and zod preloaded; `-v5`, with the `lean-close` patch (the first closing call alone in its
 * workflow task, the patch's marker at the start); `-v6`, with the `open-indexed-with-next-step` patch in its
 * place (a work order opened with a message waiting upserts `open` with that message's change); `-v7`, with
 * the `marker-at-open` patch (the marker where opening ends, none in the first workflow task).
 * A change that alters histories adds a generation; recordings of every generation must keep replaying.
 */
export const HISTORY_GENERATIONS = ['', '-v2', '-v3', '-v4', '-v5', '-v6', '-v7'] as const;
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
