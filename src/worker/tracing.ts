/**
 * OpenTelemetry tracing across client → workflow → activities → the TOP HTTP call.
 *
 * The SDK's interceptors are always installed, so workflow code, bundles and histories are the same with
 * tracing on or off. Spans are recorded only when there is somewhere to send them: OTLP over HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, or a span processor a test
 * passes in.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Config } from './config';

/**
 * Workflow interceptor modules, bundled with the workflow code. A prebuilt bundle must contain them
 * (the worker ignores interceptor modules when given a bundle), so the bundle script uses this list too.
 */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

export interface Tracing {
  /** Workflow spans leave the workflow sandbox through this sink. */
  readonly sinks: InjectedSinks<OpenTelemetrySinks>;
  /** Opens a span per activity attempt, as a child of the workflow's span, and puts trace ids on activity logs. */
  readonly activityInterceptor: ActivityInterceptorsFactory;
  /** Flushes spans not yet exported. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  serviceName: string;
  /** Where finished spans go; without one nothing is recorded. */
  spanProcessor?: SpanProcessor;
}

/**
 * Sets up tracing for this process. With a span processor it registers the global tracer provider (and
 * with it the async context that makes the TOP call's span a child of its activity's span).
 */
export function createTracing({ serviceName, spanProcessor }: TracingOptions): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  let provider: NodeTracerProvider | undefined;
  if (spanProcessor) {
    provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
    provider.register();
  }
  return {
    sinks: { exporter: makeWorkflowExporter(spanProcessor ?? new NoopSpanProcessor(), resource) },
    activityInterceptor: (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
    shutdown: async () => {
      await provider?.shutdown();
    },
  };
}

/** The OTLP endpoint traces go to, if any (the exporter appends `/v1/traces` to the general one). */
export function otlpTracesEndpoint(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>): string | undefined {
  return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
}

/** OTLP/HTTP export when an endpoint is configured; the exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself. */
export function otlpSpanProcessor(config: Parameters<typeof otlpTracesEndpoint>[0]): SpanProcessor | undefined {
  return otlpTracesEndpoint(config) ? new BatchSpanProcessor(new OTLPTraceExporter()) : undefined;
}
