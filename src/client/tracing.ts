import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

/**
 * A span per start, signal, update and query, whose context travels to the workflow in headers. It uses
 * the global tracer provider, i.e. whatever OpenTelemetry set-up the calling service has: the client sets
 * up no exporter of its own (that is the worker's, src/worker/tracing.ts).
 */
export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
