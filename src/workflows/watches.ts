import { condition, sleep } from '@temporalio/workflow';
import type { WorkOrder } from './work-order-state';

/**
 * The SLA: one timer for the work order's life (a continued run starts it for what is left). It escalates
 * wherever the work order stands — opening, open, waiting for an operator — and with `onBreach: close` asks
 * for the close, which every wait before closing takes.
 */
export function watchSla(order: WorkOrder): void {
  const deadline = order.slaDeadlineMs;
  if (deadline === undefined || order.view.escalatedAt !== undefined || order.closing) return;
  void sleep(Math.max(deadline - Date.now(), 1)).then(
    () => {
      if (order.closing) return;
      order.escalate();
      if (order.input.sla?.onBreach === 'close' && !order.inbox.ending) order.inbox.end({ kind: 'timed-out', at: Date.now() });
    },
    () => undefined, // cancelled with the workflow: closing takes over
  );
}

/**
 * A stop: one watch for the run's life, rather than one per call. The first stop (cancellation, the SLA's
 * close) cuts the TOP call in flight short; a stop between calls is taken by the waits and by runStep before a call.
 */
export function watchStop(order: WorkOrder): void {
  if (order.closing) return;
  void condition(() => order.inbox.stopRequested !== undefined).then(
    () => order.cutShortCallInFlight(),
    () => undefined, // cancelled with the workflow: the call in flight is cancelled with it
  );
}
