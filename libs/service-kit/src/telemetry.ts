import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * Handlers use @opentelemetry/api only; without an SDK registered every call here is a cheap no-op. With
 * OTEL_EXPORTER_OTLP_ENDPOINT set, `startTracing` registers one: spans leave the process over OTLP/HTTP, and the W3C
 * trace context travels in every event's headers (encodeEvent), so one trace follows a CRM event across the hops.
 */
export const tracer = trace.getTracer('buying-groups');

export type Carrier = Record<string, string>;

/**
 * Registers the OpenTelemetry SDK for this process when `endpoint` is set (spans batched and sent to
 * `<endpoint>/v1/traces`, tagged with `service.name`); `stop` flushes what is pending. Without an endpoint: nothing.
 */
export function startTracing(serviceName: string, endpoint: string | undefined): { stop: () => Promise<void> } {
  if (!endpoint) return { stop: async () => undefined };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }), {
        // A trace shows up within a second or so, not after the default five.
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  // Also installs the W3C trace-context propagator that encodeEvent and the consumers use.
  provider.register();
  return { stop: () => provider.shutdown() };
}

/** The context carried by incoming message headers. */
export function contextFromHeaders(headers: Carrier): Context {
  return propagation.extract(context.active(), headers);
}

/** Runs `fn` in a consumer span that continues the trace of `headers`. */
export async function withConsumerSpan<T>(name: string, headers: Carrier, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER }, contextFromHeaders(headers), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
