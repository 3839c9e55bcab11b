import { beijingTime } from '../work-order/beijing-time';
import type { StepName, StepRecord, WorkOrderView } from '../work-order/view';

/** Each TOP step as the people who run work orders name it. */
const STEP_WORDS: Record<StepName, (node?: string) => string> = {
  'emit-created-event': () => 'Qianniu: work order created',
  'open-case': () => 'AliGenius: identification case opened',
  'notify-first-node': (node) => `店小蜜: reached node ${node ?? '?'}`,
  'notify-node': (node) => `店小蜜: reached node ${node ?? '?'}`,
  'close-case': () => 'AliGenius: identification case completed',
  'notify-final-node': (node) => `店小蜜: finished at node ${node ?? '?'}`,
  'emit-closing-event': () => 'Qianniu: work order closed',
};

/**
 * The work order in business terms, as Markdown for the Temporal UI's "Current Details": status, current
 * node, what it waits for, and its steps, timed in Beijing time. Pure: it only reads the view.
 */
export function currentDetails(view: WorkOrderView): string {
  const lines = [
    `**Work order ${view.workOrderId}**: ${view.status}, at node **${view.currentNode}**`,
    '',
    `Waiting for: ${view.waitingFor}`,
  ];
  if (view.lastError && view.status === 'failed') lines.push('', `Last error (${view.lastError.step}): ${view.lastError.message}`);
  if (view.slaDeadline) lines.push('', `SLA deadline: ${beijingTime(view.slaDeadline)}${view.escalatedAt ? `, escalated ${beijingTime(view.escalatedAt)}` : ''}`);
  const shown = view.steps.length < view.stepCount ? `last ${view.steps.length} of ${view.stepCount}` : `${view.stepCount}`;
  lines.push('', `Steps (${shown}):`, '');
  view.steps.forEach((step, index) => lines.push(`${index + 1}. ${describeStep(step)}`));
  return lines.join('\n');
}

function describeStep(step: StepRecord): string {
  const words = STEP_WORDS[step.step](step.node);
  const at = beijingTime(step.at);
  if (step.outcome === 'ok') return `✓ ${words} — ${at}`;
  if (step.outcome === 'skipped') return `↷ ${words} skipped by an operator — ${at}: ${step.skipReason ?? 'no reason given'}`;
  return `✗ ${words} failed — ${at}: ${step.failure?.message ?? 'unknown error'}`;
}
