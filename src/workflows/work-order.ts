import { allHandlersFinished, CancellationScope, condition, isCancellation, makeContinueAsNewFunc } from '@temporalio/workflow';
import type { WorkOrderInputRaw } from '../work-order/schemas';
import type { WorkOrderView } from '../work-order/view';
import { closingNote } from './closing-note';
import { ContinueAsNewRequested, EndRequested } from './interruptions';
import type { WorkOrderWorkflow } from '../work-order/messages';
import { startInput } from './start-input';
import { topSteps, type TopSteps } from './top-steps';
import { watchSla, watchStop } from './watches';
import type { CarriedState } from './carried-state';
import type { Ending } from './inbox';
import { WorkOrder } from './work-order-state';

/**
 * One work order, from creation to its end, against TOP:
 * 1. emit the "created" event to Qianniu;
 * 2. open the AliGenius identification case, when the work order has one;
 * 3. tell 店小蜜 the first node, when AliMe opened the work order;
 * 4. send each progress report to 店小蜜 in the order received, and wait for completion, cancellation or
 *    the SLA's close (one timer escalates the work order wherever it stands when its deadline passes);
 * 5. close: send 店小蜜 the final node, complete the case, emit the closing event.
 * A run whose history grows long continues as new from where it stands, in any phase.
 */
export async function workOrderWorkflow(raw: WorkOrderInputRaw, carried?: CarriedState): Promise<WorkOrderView> {
  const input = startInput(raw, carried !== undefined);
  const order = new WorkOrder(input, carried);
  // What the work order reacts to: its messages (reports, completion, cancellation, an operator's retry or
  // skip, the status query), its SLA deadline, and a stop that cuts the TOP call in flight short.
  order.inbox.listen(() => order.snapshot());
  watchSla(order);
  watchStop(order);
  const steps = topSteps(order);
  try {
    const ending = order.closing ? order.inbox.ending! : await untilEnded(order, steps);
    return await close(order, steps, ending);
  } catch (error) {
    if (!(error instanceof ContinueAsNewRequested)) throw error;
    await condition(allHandlersFinished);
    return await makeContinueAsNewFunc<typeof workOrderWorkflow>({ typedSearchAttributes: order.nextRunSearchAttributes() })(input, order.carry());
  }
}

/** Opens the work order on TOP, then sends its progress until it ends. */
async function untilEnded(order: WorkOrder, steps: TopSteps): Promise<Ending> {
  const { input } = order;
  try {
    if (order.phase === 'opening') {
      order.setMissingSearchAttributes();
      // Every opening step carries the creation time, however long its retries take.
      const createdAt = Date.parse(order.view.createdAt);
      await steps.emitWorkOrderEvent('created', createdAt);
      if (input.identification) await steps.updateIdentificationCase('open', createdAt, openTips(order));
      if (input.alime) await steps.notifyAliMe(input.alime.firstNode, input.alime.firstNodeData, 'first', createdAt);
      order.opened();
    }
    for (;;) {
      const next = await order.nextMessage();
      if (next.kind === 'end') return next.ending;
      order.reachNode(next.report.node);
      if (input.alime) await steps.notifyAliMe(next.report.node, next.report.data, 'progress', next.receivedAt);
      order.inbox.sent();
    }
  } catch (error) {
    // Cancellation or the SLA's close while a step waited or a call was in flight: close from here.
    if (error instanceof EndRequested) return error.ending;
    if (!isCancellation(error)) throw error;
    // Cancelled from Temporal itself (UI, CLI): close on TOP all the same, never leave a case open.
    return { kind: 'cancelled', at: Date.now(), reason: 'cancelled through Temporal' };
  }
}

/**
 * Closes what exists on TOP: 店小蜜's view first (it faces the buyer), the case if it was opened, the
 * Qianniu work order if it was created. What may or may not have reached TOP is sent again first (the same
 * `outer_case_id`, the same `event_id`), so closing it is right either way. Always runs to the end, even
 * when the workflow itself is being cancelled; a step TOP keeps refusing waits for an operator's retry or skip.
 */
function close(order: WorkOrder, steps: TopSteps, ending: Ending): Promise<WorkOrderView> {
  const { alime, identification } = order.input;
  const finalNode = ending.kind === 'completed' ? ending.completion.finalNode : ending.kind;
  const finalData = ending.kind === 'completed' ? ending.completion.finalNodeData : undefined;
  const note = closingNote(ending);
  const createdAt = Date.parse(order.view.createdAt);
  return CancellationScope.nonCancellable(async () => {
    order.startClosing(ending, finalNode);
    const { onTop } = order.view;
    if (alime) await steps.notifyAliMe(finalNode, finalData, 'final', ending.at);
    if (identification && onTop.case === 'unknown') await steps.updateIdentificationCase('open', createdAt, openTips(order), { resend: true });
    if (onTop.case !== 'no') await steps.updateIdentificationCase('complete', ending.at, note);
    if (onTop.createdEvent === 'unknown') await steps.emitWorkOrderEvent('created', createdAt, { resend: true });
    if (onTop.createdEvent !== 'no') await steps.emitWorkOrderEvent(ending.kind, ending.at, { resultMessage: note });
    return order.closed(ending.kind);
  });
}

const openTips = (order: WorkOrder): string => order.input.identification?.openTips ?? '创建鉴定工单';

/** The client knows the workflow by the type in messages.ts: compiling fails if the two part ways. */
type Matches<Actual extends Expected, Expected> = Actual;
export type WorkflowAsClientsSeeIt = Matches<typeof workOrderWorkflow, WorkOrderWorkflow>;
