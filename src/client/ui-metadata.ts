import type { WorkOrderInput } from '../work-order/schemas';

/**
 * What the Temporal UI shows for a work order before anyone opens it: the summary in the workflow list and
 * the static Details, naming the seller, the order and what the work order carries on TOP. Never the
 * buyer: these are stored with the workflow as they are, and read by whoever can see the namespace.
 */
export function uiSummary(input: WorkOrderInput): string {
  return [`Work order ${input.workOrderId}`, `seller ${input.seller}`, ...(input.bizOrderId ? [`order ${input.bizOrderId}`] : [])].join(' · ');
}

export function uiDetails(input: WorkOrderInput): string {
  const { identification, alime, sla } = input;
  return [
    `**Work order ${input.workOrderId}** for seller **${input.seller}**`,
    '',
    `- Order: ${input.bizOrderId ?? 'none given'}${input.workOrderType ? ` (type ${input.workOrderType})` : ''}`,
    `- AliGenius identification case: ${identification ? `${identification.caseId ?? input.workOrderId} (order line ${identification.detailOrderId}, refund ${identification.refundId})` : 'none'}`,
    `- 店小蜜: ${alime ? `async code ${alime.asyncCode}, first node ${alime.firstNode}` : 'not involved'}`,
    `- SLA: ${sla ? `within ${String(sla.within)}, then ${sla.onBreach === 'close' ? 'close as timed out' : 'keep waiting'}` : 'none'}`,
  ].join('\n');
}
