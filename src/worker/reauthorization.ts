import type { Logger, MetricMeter } from '@temporalio/common';
import type { FileSessionStore } from '../activities/sessions';
import type { WorkOrderClient } from '../client';
import { InvalidInputError } from '../work-order/schemas';
import { runEvery, type Periodic } from './periodic';

/** A seller id as logged: bounded, as the sessions file may hold anything. */
const describeSeller = (seller: string): string => (seller.length > 64 ? `${seller.slice(0, 64)}…` : seller);

export type ReauthorizationWatch = Periodic;

/**
 * After a seller re-authorizes, its work orders that failed on authorization (an expired or missing
 * session key) resume by themselves: the sessions file is checked every `intervalMs` (a stat; read only
 * when it changed), and each seller whose key is new or changed has its `failed` work orders whose failure
 * was classified `authorization` retried, counted in `work_orders_resumed{cause="reauthorized"}`. Other
 * failures still wait for an operator's `retry` or `skip`. With several workers, each may signal the same
 * work order; the retry is taken once, the others find it no longer failed.
 */
export function resumeReauthorizedSellers(sessions: FileSessionStore, client: WorkOrderClient, meter: MetricMeter, intervalMs: number, logger: Logger): ReauthorizationWatch {
  const resumed = meter.createCounter('work_orders_resumed', 'work orders', 'Work orders resumed without an operator, by cause');
  const sellers = new Set<string>();
  sessions.onKeysChanged((changed) => changed.forEach((seller) => sellers.add(seller)));

  const resume = async (seller: string): Promise<void> => {
    const answer = await client.retryFailed({ seller, classification: 'authorization' });
    if (answer.resumed) resumed.add(answer.resumed, { cause: 'reauthorized' });
    if (answer.matched) logger.info('seller re-authorized: resumed its work orders that failed on authorization', { seller, matched: answer.matched, resumed: answer.resumed });
  };

  /**
   * Each seller on its own, so that one cannot hold up the others: a seller that is no seller of a work
   * order (a key the client would refuse) is dropped with a warning; any other failure leaves it pending for
   * the next round, its work orders not yet looked up.
   */
  const round = async (): Promise<void> => {
    await sessions.check();
    for (const seller of [...sellers]) {
      try {
        await resume(seller);
        sellers.delete(seller);
      } catch (error) {
        const invalid = error instanceof InvalidInputError;
        if (invalid) sellers.delete(seller);
        logger.warn(invalid ? 'a seller of the sessions file cannot be a work order’s seller: its work orders are not looked up' : 'could not resume a re-authorized seller’s work orders; trying again next round', {
          seller: describeSeller(seller),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };
  return runEvery(intervalMs, round, (error) => {
    logger.warn('could not resume re-authorized sellers’ work orders', { error: error instanceof Error ? error.message : String(error) });
  });
}
