import type { Logger, MetricMeter } from '@temporalio/common';
import type { WorkOrderClient } from './client';
import { runEvery, type Periodic } from './periodic';

export type GaugeReporter = Periodic;

/**
 * `work_orders_open{status, node}`: running work orders by status and current node, counted from
 * Temporal's visibility store every `intervalMs`. Counted there rather than in workflow code because a
 * counter kept by a worker starts again from zero whenever that worker restarts, and is split across
 * workers; visibility knows every open work order. Each worker reports the same numbers: aggregate with
 * `max by (status, node)`, not `sum`.
 */
export function reportOpenWorkOrders(client: WorkOrderClient, meter: MetricMeter, intervalMs: number, logger: Logger): GaugeReporter {
  const gauge = meter.createGauge('work_orders_open', 'int', 'work orders', 'Running work orders by status and current node');
  let reported = new Map<string, { status: string; node: string }>();

  const refresh = async (): Promise<void> => {
    const counts = await client.countOpen();
    const now = new Map(counts.map(({ status, node }) => [JSON.stringify([status, node]), { status, node }]));
    for (const { status, node, count } of counts) gauge.set(count, { status, node });
    // A status and node that emptied must read 0, not keep its last count.
    for (const [key, tags] of reported) if (!now.has(key)) gauge.set(0, tags);
    reported = now;
  };

  return runEvery(intervalMs, refresh, (error) => {
    logger.warn('could not count open work orders; the gauge keeps its last values', { error: error instanceof Error ? error.message : String(error) });
  });
}
