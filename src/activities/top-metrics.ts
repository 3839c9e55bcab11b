import type { MetricMeter } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { TopError, type FlowObserver } from '../top';
import type { QuotaUsers } from './quota-users';
import { isNotSentLocally } from './work-order-activities';

/**
 * TOP call metrics, exported with the SDK's own on the worker's Prometheus endpoint:
 * `top_calls{activity, priority, outcome, error_class}`, `top_call_latency{activity, priority, outcome}` (ms) and
 * `top_call_queue_wait{activity, priority}` (ms on the task queue before a worker took it), per attempt,
 * labelled like the SDK's activity metrics (namespace, taskQueue, activityType) as well. A call made from
 * inside a workflow task (a local activity) has priority `local`: it never queues on the server.
 * Sits inside the retry-decision interceptor, so it sees the original TopError.
 *
 * The instruments are made once, on the process's meter, with the tags given outright: made on each
 * activity's own meter, every attempt made two native instruments and every record resolved the SDK's
 * composed tags again.
 *
 * Which sellers take the quota is not a label (one per seller would explode Prometheus's cardinality):
 * each call is counted in `quotaUsers`, a bounded sketch the health endpoint serves as `GET /quota`.
 */
export function topMetricsInterceptor(meter: MetricMeter, quotaUsers?: QuotaUsers): ActivityInterceptorsFactory {
  const calls = meter.createCounter('top_calls', 'calls', 'TOP API calls by activity, outcome and error class');
  const latency = meter.createHistogram('top_call_latency', 'int', 'ms', 'TOP API call latency');
  const queued = meter.createHistogram('top_call_queue_wait', 'int', 'ms', 'Time a TOP call waited on the task queue for the quota, by priority');
  return (ctx) => {
    const { namespace, taskQueue, activityType: activity, currentAttemptScheduledTimestampMs, priority, isLocal } = ctx.info;
    // The call's priority (work-order/priorities.ts: 1 the final notification, 2 notifications, 3 bookkeeping).
    const tags = { namespace, taskQueue, activityType: activity, activity, priority: isLocal ? 'local' : String(priority?.priorityKey ?? 3) };
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input, next) {
        const started = Date.now();
        const queueWaitMs = isLocal ? 0 : Math.max(0, started - currentAttemptScheduledTimestampMs);
        if (!isLocal) queued.record(queueWaitMs, tags);
        // A local call has no priority of its own: it carries its seller's fairness key in its input.
        const fairnessKey = priority?.fairnessKey ?? (isLocal ? fairnessKeyIn(input.args) : undefined);
        if (fairnessKey) quotaUsers?.record(fairnessKey, queueWaitMs);
        try {
          const result = await next(input);
          // A local call the worker held back answers rather than fails (work-order-activities.ts).
          if (isNotSentLocally(result)) calls.add(1, { ...tags, outcome: 'error', error_class: 'held-back' });
          else calls.add(1, { ...tags, outcome: 'ok', error_class: 'none' });
          latency.record(Date.now() - started, { ...tags, outcome: 'ok' });
          return result;
        } catch (error) {
          // A call held back by the gate never reached TOP: counted apart from TOP's own refusals.
          const errorClass = error instanceof TopError ? (error.source === 'gate' ? 'held-back' : error.classification) : 'other';
          calls.add(1, { ...tags, outcome: 'error', error_class: errorClass });
          latency.record(Date.now() - started, { ...tags, outcome: 'error' });
          throw error;
        }
      },
    };
    return { inbound };
  };
}

/** The `fairnessKey` a local call's input carries (AliMeNotificationInput), if any. */
function fairnessKeyIn(args: unknown[]): string | undefined {
  const key: unknown = (args[0] as { fairnessKey?: unknown } | undefined)?.fairnessKey;
  return typeof key === 'string' ? key : undefined;
}

/**
 * Flow-control metrics, process-wide: `top_bans{scope}` (bans TOP stated: `app` or `api:<method>`),
 * `top_calls_held` (calls that waited before being sent) and `top_held_ms` (the time they waited).
 */
export function topFlowMetrics(meter: MetricMeter): FlowObserver {
  const bans = meter.createCounter('top_bans', 'bans', 'Code-7 bans stated by TOP, by what they cover');
  const held = meter.createCounter('top_calls_held', 'calls', 'TOP calls held by a ban or the call budget before being sent');
  const heldMs = meter.createCounter('top_held_ms', 'ms', 'Time TOP calls spent held before being sent');
  return {
    banned: (scope) => bans.add(1, { scope }),
    held: (ms) => {
      held.add(1);
      heldMs.add(Math.round(ms));
    },
  };
}
