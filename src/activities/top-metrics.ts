import type { MetricMeter } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { TopError, type FlowObserver } from '../top';

/**
 * TOP call metrics, exported with the SDK's own on the worker's Prometheus endpoint:
 * `top_calls{activity, outcome, error_class}` and `top_call_latency{activity, outcome}` (ms), per attempt.
 * Sits inside the retry-decision interceptor, so it sees the original TopError.
 */
export const topMetricsInterceptor: ActivityInterceptorsFactory = (ctx) => {
  const calls = ctx.metricMeter.createCounter('top_calls', 'calls', 'TOP API calls by activity, outcome and error class');
  const latency = ctx.metricMeter.createHistogram('top_call_latency', 'int', 'ms', 'TOP API call latency');
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      const activity = ctx.info.activityType;
      const started = Date.now();
      try {
        const result = await next(input);
        calls.add(1, { activity, outcome: 'ok', error_class: 'none' });
        latency.record(Date.now() - started, { activity, outcome: 'ok' });
        return result;
      } catch (error) {
        // A call held back by the gate never reached TOP: counted apart from TOP's own refusals.
        const errorClass = error instanceof TopError ? (error.source === 'gate' ? 'held-back' : error.classification) : 'other';
        calls.add(1, { activity, outcome: 'error', error_class: errorClass });
        latency.record(Date.now() - started, { activity, outcome: 'error' });
        throw error;
      }
    },
  };
  return { inbound };
};

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
