import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkOrderClient } from '../../src/client';

/** A work order with an identification case and AliMe, so that its life calls every TOP API. */
export const benchWorkOrder = (id: string) => ({
  workOrderId: id,
  seller: 'seller-a',
  identification: { detailOrderId: '194467217119131', refundId: '147822831913191' },
  alime: { asyncCode: `ac-${id}` },
});

/** `count` new work order ids, unique to this run. */
export const batchIds = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}-${Date.now().toString(36)}`);

/**
 * One work order's life as a backend drives it: start, one progress Update, the completion signal
 * (`thinkMs` after the report), and its result.
 */
export async function runWorkOrder(workOrders: WorkOrderClient, id: string, thinkMs = 0): Promise<void> {
  await workOrders.start(benchWorkOrder(id));
  await workOrders.reportProgress(id, { progressId: 'p1', node: 'inspecting' });
  if (thinkMs > 0) await sleep(thinkMs);
  await workOrders.complete(id, { resultMessage: 'done' });
  await workOrders.result(id);
}
