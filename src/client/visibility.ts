/**
 * Finding work orders through Temporal's visibility store (its list API over search attributes), which may
 * trail the workflows by a moment.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { parseOrThrow } from '../work-order/schemas';
import { workOrderIdOf } from '../work-order/temporal-names';
import { FINAL_STATUSES, workOrderStatus } from '../work-order/view';
import { WORK_ORDER_WORKFLOW_TYPE } from '../work-order/messages';
import { BIZ_ORDER_ID, SELLER, WORK_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS } from '../work-order/search-attributes';
import type { OpenWorkOrderCount, RunningWorkOrderCount, WorkOrderSummary } from './answers';

const WORK_ORDERS = `WorkflowType = "${WORK_ORDER_WORKFLOW_TYPE}"`;

/** A value put into a visibility query between double quotes. */
export const queryValue = z.string().regex(/^[^"\\]{1,128}$/, 'must be 1-128 characters without quotes or backslashes');

const listFilter = z.strictObject({
  status: workOrderStatus.optional(),
  node: queryValue.optional(),
  seller: queryValue.optional(),
  limit: z.int().min(1).max(1000).default(100),
});
export type ListFilter = z.input<typeof listFilter>;

export async function listWorkOrders(client: Client, raw: ListFilter): Promise<WorkOrderSummary[]> {
  const filter = parseOrThrow(listFilter, raw, 'list filter');
  const clauses = [WORK_ORDERS];
  if (filter.status) clauses.push(`WorkOrderStatus = "${filter.status}"`);
  if (filter.node) clauses.push(`WorkOrderNode = "${filter.node}"`);
  if (filter.seller) clauses.push(`Seller = "${filter.seller}"`);
  const found: WorkOrderSummary[] = [];
  for await (const execution of client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(filter.limit, 100) })) {
    const attributes = execution.typedSearchAttributes;
    found.push({
      workOrderId: attributes.get(WORK_ORDER_ID) ?? workOrderIdOf(execution.workflowId) ?? execution.workflowId,
      workflowId: execution.workflowId,
      status: attributes.get(WORK_ORDER_STATUS),
      node: attributes.get(WORK_ORDER_NODE),
      bizOrderId: attributes.get(BIZ_ORDER_ID),
      startTime: execution.startTime,
    });
    if (found.length >= filter.limit) break;
  }
  return found;
}

const RUNNING_STATUSES = workOrderStatus.options.filter((status) => !(FINAL_STATUSES as readonly string[]).includes(status));

/**
 * Running work orders by status: one count query per status, answered by the visibility store's index, so
 * what the caller receives does not grow with the number of open work orders (the visibility API groups
 * counts by ExecutionStatus only, not by a search attribute).
 */
export async function countRunningByStatus(client: Client): Promise<RunningWorkOrderCount[]> {
  return await Promise.all(
    RUNNING_STATUSES.map(async (status) => ({
      status,
      count: (await client.workflow.count(`${WORK_ORDERS} AND ExecutionStatus = "Running" AND WorkOrderStatus = "${status}"`)).count,
    })),
  );
}

/** Running work orders counted by status and current node. Reads every running work order. */
export async function countOpenWorkOrders(client: Client): Promise<OpenWorkOrderCount[]> {
  const counts = new Map<string, OpenWorkOrderCount>();
  for await (const execution of client.workflow.list({ query: `${WORK_ORDERS} AND ExecutionStatus = "Running"`, pageSize: 1000 })) {
    const status = execution.typedSearchAttributes.get(WORK_ORDER_STATUS) ?? 'unknown';
    const node = execution.typedSearchAttributes.get(WORK_ORDER_NODE) ?? 'unknown';
    const key = JSON.stringify([status, node]);
    const entry = counts.get(key) ?? { status, node, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/**
 * Running work orders waiting for an operator, all or one seller's. Work orders started before the
 * `Seller` search attribute existed match any seller (`sellerRecorded` false): the caller checks them.
 */
export async function* failedWorkOrders(client: Client, seller?: string): AsyncGenerator<{ workOrderId: string; sellerRecorded: boolean }> {
  const clauses = [WORK_ORDERS, 'ExecutionStatus = "Running"', 'WorkOrderStatus = "failed"'];
  if (seller) clauses.push(`(Seller = "${seller}" OR Seller IS NULL)`);
  for await (const execution of client.workflow.list({ query: clauses.join(' AND '), pageSize: 1000 })) {
    const workOrderId = execution.typedSearchAttributes.get(WORK_ORDER_ID) ?? workOrderIdOf(execution.workflowId);
    if (workOrderId) yield { workOrderId, sellerRecorded: execution.typedSearchAttributes.get(SELLER) !== undefined };
  }
}
