import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { TopError } from '../top';

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
        const errorClass = error instanceof TopError ? error.classification : 'other';
        calls.add(1, { activity, outcome: 'error', error_class: errorClass });
        latency.record(Date.now() - started, { activity, outcome: 'error' });
        throw error;
      }
    },
  };
  return { inbound };
};
