import type { RecordedCall } from '../../src/sandbox/recorder';
import type { TopSandbox } from '../../src/sandbox/server';
import { ALIMI_PROGRESS_NOTIFY, BCPUSH_EVENT_EMIT, RDC_IDENTIFICATION_CASE_UPDATE } from '../../src/top';
import type { WorkOrderInputRaw } from '../../src/work-order/schemas';

let counter = 0;

/** A unique work order id per call, so tests in one file never collide. */
export function newWorkOrderId(prefix = 'WO'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** A work order with everything: identification case, AliMe, a 19-digit refund id. */
export function fullWorkOrder(workOrderId = newWorkOrderId(), extra: Partial<WorkOrderInputRaw> = {}): WorkOrderInputRaw {
  return {
    workOrderId,
    seller: 'seller-a',
    bizOrderId: '4012345678901234567',
    workOrderType: 'IDENTIFY',
    description: '鉴定申请',
    buyer: { nick: 'tb-buyer-nick', openId: 'AAHm5d-EAAeGwJedwSHpg8bT' },
    identification: { detailOrderId: '194467217119131', refundId: '9223372036854775807' },
    alime: { asyncCode: `ac-${workOrderId}`, firstNode: 'accepted', firstNodeData: { itemCode: 'KLSJDFKLJSDF' } },
    ...extra,
  };
}

/** The calls the sandbox accepted for one work order, in order, as [api, what] pairs easy to compare. */
export function callsFor(sandbox: TopSandbox, workOrderId: string, outcome: RecordedCall['outcome'] | undefined = 'ok'): RecordedCall[] {
  return sandbox.calls(outcome ? { outcome } : {}).filter((call) => belongsTo(call, workOrderId));
}

export function belongsTo(call: RecordedCall, workOrderId: string): boolean {
  const p = call.params;
  const nested = (p.param ?? p.work_order_notify_dxm_command) as Record<string, unknown> | undefined;
  return p.work_order_id === workOrderId || nested?.work_order_id === workOrderId || nested?.outer_case_id === workOrderId;
}

/** `emit:created`, `case:1`, `notify:accepted`, `notify:completed!` (final) — one word per call. */
export function describeCall(call: RecordedCall): string {
  const p = call.params as Record<string, any>;
  if (call.method === BCPUSH_EVENT_EMIT) return `emit:${(p.event_id as string).split(':').pop()}`;
  if (call.method === RDC_IDENTIFICATION_CASE_UPDATE) return `case:${p.param.operate_type}`;
  if (call.method === ALIMI_PROGRESS_NOTIFY) {
    const command = p.work_order_notify_dxm_command;
    return `notify:${command.current_node}${command.completed ? '!' : ''}`;
  }
  return `?${call.method}`;
}

let refunds = 0;
/** An identification case whose refund id is this test's alone: sandbox faults aimed at it hit only the case's calls. */
export function uniqueCase(): { identification: { detailOrderId: string; refundId: string }; caseFault: string } {
  refunds += 1;
  const refundId = `${process.pid}${String(refunds).padStart(6, '0')}`;
  return { identification: { detailOrderId: '194467217119131', refundId }, caseFault: refundId };
}
