import { defineSearchAttributeKey } from '@temporalio/common';
import { condition, defineQuery, defineSignal, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type * as activities from './baseline-activities';

/**
 * The baseline for the work-order benchmarks: a plain workflow with the same name, the same messages
 * (the `reportProgress` Update with a validator, the `progress`, `complete`, `cancel` and `retry`
 * signals, the `status` query) and the same activity calls in the same order as the product's, whose
 * activities make the same TOP calls as bare undici requests (baseline-activities.ts). The same
 * WorkOrderClient drives it; whatever the product costs beyond it is ours.
 * It makes its status visible once (`WorkOrderStatus`), so the benchmarks see it open as they see ours.
 */
const CALL = { startToCloseTimeout: '30 seconds' } as const;
const { emitWorkOrderEvent, updateIdentificationCase, notifyAliMe } = proxyActivities<typeof activities>(CALL);
/** Temporal's floor for one durable report: the Update, then the call as a local activity in the same workflow task. */
const local = proxyLocalActivities<typeof activities>(CALL);

interface Input {
  workOrderId: string;
  seller?: string;
  /**
   * What ours does per report beyond this workflow, one part at a time (bench/server-cost.ts measures each):
   * search sees the node (a search-attribute upsert), and the 店小蜜 call carries a summary for the UI and the
   * seller's priority and fairness key.
   */
  perReport?: { nodeInSearch?: boolean; prioritizedCall?: boolean; localActivity?: boolean };
  identification?: unknown;
  alime?: { firstNode?: string };
}
interface Report {
  progressId: string;
  node: string;
}

const reportProgress = defineUpdate<{ accepted: boolean; progressReceived: number }, [Report]>('reportProgress');
const progress = defineSignal<[Report]>('progress');
const complete = defineSignal<[{ finalNode?: string }]>('complete');
const cancel = defineSignal<[unknown]>('cancel');
const retry = defineSignal('retry');
const status = defineQuery<unknown>('status');
const WORK_ORDER_STATUS = defineSearchAttributeKey('WorkOrderStatus', 'KEYWORD');
const WORK_ORDER_NODE = defineSearchAttributeKey('WorkOrderNode', 'KEYWORD');

export async function workOrderWorkflow(input: Input): Promise<unknown> {
  const view = { workOrderId: input.workOrderId, status: 'opening', currentNode: input.alime?.firstNode ?? 'created', progressReceived: 0 };
  const inbox: Report[] = [];
  let ending: string | undefined;
  const accept = (report: Report) => {
    inbox.push(report);
    view.progressReceived += 1;
    return { accepted: true, progressReceived: view.progressReceived };
  };
  setHandler(status, () => view);
  setHandler(reportProgress, accept, {
    validator: (report) => {
      if (typeof report?.progressId !== 'string' || typeof report.node !== 'string') throw new Error('invalid progress report');
    },
  });
  setHandler(progress, (report) => void accept(report));
  setHandler(complete, (done) => void (ending ??= done.finalNode ?? 'completed'));
  setHandler(cancel, () => void (ending ??= 'cancelled'));
  setHandler(retry, () => undefined);

  await emitWorkOrderEvent();
  if (input.identification) await updateIdentificationCase();
  if (input.alime) await notifyAliMe();
  view.status = 'open';
  upsertSearchAttributes([{ key: WORK_ORDER_STATUS, value: 'open' }]);
  for (;;) {
    await condition(() => inbox.length > 0 || ending !== undefined);
    const next = inbox.shift();
    if (!next) break;
    view.currentNode = next.node;
    if (input.perReport?.nodeInSearch) upsertSearchAttributes([{ key: WORK_ORDER_NODE, value: next.node }]);
    if (input.alime && input.perReport?.localActivity) await local.notifyAliMe();
    else if (input.alime && input.perReport?.prioritizedCall) {
      const summary = `店小蜜: work order ${input.workOrderId} reached node ${next.node}`;
      await notifyAliMe.executeWithOptions({ ...CALL, summary, priority: { priorityKey: 2, fairnessKey: input.seller } }, []);
    } else if (input.alime) await notifyAliMe();
  }
  if (input.alime) await notifyAliMe();
  if (input.identification) await updateIdentificationCase();
  await emitWorkOrderEvent();
  view.status = ending === 'cancelled' ? 'cancelled' : 'completed';
  return view;
}
