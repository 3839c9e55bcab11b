import type { Logger, MetricMeter } from '@temporalio/common';
import type { WorkOrderClient } from '../client';
import { runEvery, type Periodic } from './periodic';

export type GaugeReporter = Periodic;

/**
 * `work_orders_open{status}`: running work orders by status, counted in Temporal's visibility store every
 * `intervalMs`. Counted there rather than in workflow code because a counter kept by a worker starts again
 * from zero whenever that worker restarts, and is split across workers; visibility knows every open work
 * order. One count query per status, so a worker's cost does not grow with the number of open work orders
 * (listing them all was 100 pages of visibility per worker per interval at 100,000 open). Each worker
 * reports the same numbers: aggregate with `max by (status)`, not `sum`. By node: `work-order count --by-node`.
 */
export function reportOpenWorkOrders(client: WorkOrderClient, meter: MetricMeter, intervalMs: number, logger: Logger): GaugeReporter {
  const gauge = meter.createGauge('work_orders_open', 'int', 'work orders', 'Running work orders by status');
  const refresh = async (): Promise<void> => {
    for (const { status, count } of await client.countRunning()) gauge.set(count, { status });
  };
  return runEvery(intervalMs, refresh, (error) => {
    logger.warn('could not count open work orders; the gauge keeps its last values', { error: error instanceof Error ? error.message : String(error) });
  });
}
