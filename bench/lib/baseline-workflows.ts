import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './baseline-activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });
export const doneSignal = defineSignal('done');

/** The engine's ceiling: as many activities as a work order makes (7) and one signal, doing nothing. */
export async function baselineWorkflow(): Promise<void> {
  let done = false;
  setHandler(doneSignal, () => void (done = true));
  for (let i = 0; i < 4; i++) await noop();
  await condition(() => done);
  for (let i = 0; i < 3; i++) await noop();
}
