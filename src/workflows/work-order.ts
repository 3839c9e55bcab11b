import { allHandlersFinished, CancellationScope, condition, continueAsNew, isCancellation } from '@temporalio/workflow';
import type { WorkOrderInputRaw } from '../work-order/schemas';
import type { WorkOrderView } from '../work-order/view';
import { topSteps, type TopSteps } from './top-steps';
import { CancelRequested } from './operator-retry';
import { RunChanges } from './run-changes';
import { startInput, WorkOrder, type CarriedState, type Ending } from './work-order-state';

/**
 * One work order, from creation to its end, against TOP:
 * 1. emit the "created" event to Qianniu;
 * 2. open the AliGenius identification case, when the work order has one;
 * 3. tell 店小蜜 the first node, when AliMe opened the work order;
 * 4. send each progress report to 店小蜜 in the order received, escalate when the SLA passes, and
 *    wait for completion or cancellation;
 * 5. close: send 店小蜜 the final node, complete the case, emit the closing event.
 */
export async function workOrderWorkflow(raw: WorkOrderInputRaw, carried?: CarriedState): Promise<WorkOrderView> {
  const input = startInput(raw);
  const order = new WorkOrder(input, carried);
  const top = topSteps(order);
  const changes = new RunChanges({ continued: carried !== undefined });
  try {
    if (!carried) {
      order.indexForSearch();
      // Every opening step carries the creation time, however long its retries take.
      const createdAt = Date.parse(order.view.createdAt);
      await top.emitWorkOrderEvent('created', createdAt);
      if (input.identification) await top.updateIdentificationCase('open', createdAt, input.identification.openTips ?? '创建鉴定工单');
      if (input.alime) await top.notifyAliMe(input.alime.firstNode, input.alime.firstNodeData, false, createdAt);
      order.opened({ indexWithNextStep: changes.openIndexedWithNextStep() });
    }
    for (;;) {
      const next = await order.nextEvent();
      if (next.kind === 'progress') {
        order.reachNode(next.report.node);
        if (input.alime) await top.notifyAliMe(next.report.node, next.report.data, false, next.receivedAt);
      } else if (next.kind === 'sla-breached') {
        order.escalate();
        if (input.sla?.onBreach === 'close') return await close(order, top, changes, { kind: 'timed-out', at: Date.now() });
      } else if (next.kind === 'continue-as-new') {
        await condition(allHandlersFinished);
        return await continueAsNew<typeof workOrderWorkflow>(input, order.carry());
      } else {
        return await close(order, top, changes, next.ending);
      }
    }
  } catch (error) {
    if (error instanceof CancelRequested) return await close(order, top, changes, error.ending);
    if (!isCancellation(error)) throw error;
    // Cancelled from Temporal itself (UI, CLI): close on TOP all the same, never leave a case open.
    return await close(order, top, changes, { kind: 'cancelled', at: Date.now(), reason: 'cancelled through Temporal' });
  }
}

/**
 * Closes what exists on TOP: the case if it was opened, 店小蜜's view, the Qianniu work order if it was
 * created. Always runs to the end, even when the workflow itself is being cancelled.
 */
function close(order: WorkOrder, top: TopSteps, changes: RunChanges, ending: Ending): Promise<WorkOrderView> {
  const { alime } = order.input;
  const finalNode = ending.kind === 'completed' ? ending.completion.finalNode : ending.kind;
  const finalData = ending.kind === 'completed' ? ending.completion.finalNodeData : undefined;
  const note = ending.kind === 'completed' ? ending.completion.resultMessage : ending.kind === 'cancelled' ? `工单已取消: ${ending.reason}` : '工单超时关闭';
  return CancellationScope.nonCancellable(async () => {
    order.startClosing(ending, finalNode, { indexWithNextStep: changes.leanClose() });
    // 店小蜜 faces the buyer, so it hears first.
    const buyerFirst = changes.buyerFirstOnClose();
    if (alime && buyerFirst) await top.notifyAliMe(finalNode, finalData, true, ending.at);
    if (order.view.onTop.case) await top.updateIdentificationCase('complete', ending.at, note);
    if (alime && !buyerFirst) await top.notifyAliMe(finalNode, finalData, true, ending.at);
    if (order.view.onTop.createdEvent) await top.emitWorkOrderEvent(ending.kind, ending.at, note);
    return order.closed(ending.kind);
  });
}
