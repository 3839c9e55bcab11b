import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import { fairnessKeyOf } from '../work-order/priorities';

const { TaskQueueType } = temporal.api.enums.v1;

export interface SellerShares {
  /** Seller → weight (default 1): a seller of weight 2 gets twice the share of a backlogged quota. */
  weights: Record<string, number>;
  /** The most TOP calls per second one seller may take, whatever the others leave (none: no ceiling). */
  perSellerCallsPerSecond?: number;
}

/**
 * Writes the sellers' shares into the task queue's configuration on the server, where matching applies
 * them (fairness-key weight overrides, and the per-fairness-key rate limit for the activity queue): one
 * place for every worker, taking effect without a deploy. The weights also apply to workflow tasks.
 * Idempotent: every worker writes the same at start. Without task-queue fairness on the server, the
 * server keeps them and dispatches in arrival order.
 */
export async function applySellerShares(connection: NativeConnection, namespace: string, taskQueue: string, shares: SellerShares): Promise<void> {
  const setFairnessWeightOverrides = Object.fromEntries(Object.entries(shares.weights).map(([seller, weight]) => [fairnessKeyOf(seller), weight]));
  const identity = `work-order worker ${process.pid}`;
  const weighted = Object.keys(setFairnessWeightOverrides).length > 0;
  if (weighted) {
    await connection.workflowService.updateTaskQueueConfig({ namespace, identity, taskQueue, taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, setFairnessWeightOverrides });
  }
  if (weighted || shares.perSellerCallsPerSecond !== undefined) {
    await connection.workflowService.updateTaskQueueConfig({
      namespace,
      identity,
      taskQueue,
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      setFairnessWeightOverrides,
      updateFairnessKeyRateLimitDefault:
        shares.perSellerCallsPerSecond === undefined
          ? undefined
          : { rateLimit: { requestsPerSecond: shares.perSellerCallsPerSecond }, reason: 'TOP_SELLER_CALLS_PER_SECOND: one seller may not take the whole app quota' },
    });
  }
}
