import type { WorkOrderClient } from '../../src/client';
import type { RecordedCall } from '../../src/sandbox/recorder';
import type { TopSandbox } from '../../src/sandbox/server';
import { BCPUSH_EVENT_EMIT } from '../../src/top';
import { eventually } from './stack';
import { belongsTo, fullWorkOrder, newWorkOrderId } from './work-orders';

/** Work orders that make one TOP call when they open (the Qianniu event) and none until completed. */
export const bookkeepingOnly = (seller: string, prefix: string) => fullWorkOrder(newWorkOrderId(prefix), { seller, identification: undefined, alime: undefined });

/** The "created" Qianniu events the sandbox accepted, in the order it received them. */
export const createdEvents = (sandbox: TopSandbox): RecordedCall[] =>
  sandbox.calls({ outcome: 'ok' }).filter((call) => call.method === BCPUSH_EVENT_EMIT && String(call.params.event_id).endsWith(':created'));

export interface BacklogOutcome {
  /** The big seller's calls still queued when the small sellers' calls were. */
  queued: number;
  /** How many of those went out before the first and the last small seller's call. */
  aheadOfFirst: number;
  aheadOfLast: number;
  /** Every seller's call in the order TOP received them, for the assertion's message. */
  order: string;
}

/**
 * One seller (`big-shop`) starts `backlog` work orders at once; once its calls are draining, two other
 * sellers (`small-shop-1`, `small-shop-2`) start one each. Counts how many of the big seller's queued
 * calls TOP received before each small seller's. The sellers' sessions must be set up by the caller.
 */
export async function smallSellersBehindBacklog(sandbox: TopSandbox, client: WorkOrderClient, backlog = 60): Promise<BacklogOutcome> {
  const before = createdEvents(sandbox).length;
  const big = Array.from({ length: backlog }, () => bookkeepingOnly('big-shop', 'WO-BIG'));
  await Promise.all(big.map((input) => client.start(input)));
  await eventually(() => (createdEvents(sandbox).length - before >= 3 ? true : undefined), 'the backlog started draining');
  const small = [bookkeepingOnly('small-shop-1', 'WO-SMALL'), bookkeepingOnly('small-shop-2', 'WO-SMALL')];
  await Promise.all(small.map((input) => client.start(input)));
  // From the moment the small sellers' calls are on the task queue (their workflows past their first task),
  // count the big seller's calls that still go out before them.
  await eventually(
    async () => ((await Promise.all(small.map((input) => client.status(input.workOrderId)))).every((view) => view.waitingFor.startsWith('TOP: ') || view.onTop.createdEvent === 'yes') ? true : undefined),
    'the small sellers queued',
  );
  const bigSentBefore = createdEvents(sandbox).length - before;
  await eventually(() => (createdEvents(sandbox).length - before === backlog + small.length ? true : undefined), 'every created event sent', 90_000);

  const sent = createdEvents(sandbox).slice(before);
  const bigAheadOf = (workOrderId: string) =>
    sent.slice(bigSentBefore, sent.findIndex((call) => belongsTo(call, workOrderId))).filter((call) => call.seller === 'big-shop').length;
  const [aheadOfFirst, aheadOfLast] = small.map((input) => bigAheadOf(input.workOrderId)).sort((a, b) => a - b) as [number, number];
  await Promise.all([...big, ...small].map((input) => client.cancel(input.workOrderId, { reason: 'test over' })));
  return { queued: backlog - bigSentBefore, aheadOfFirst, aheadOfLast, order: sent.map((call) => call.seller).join(' ') };
}
