import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';

/**
 * Handlers use @opentelemetry/api only; without an SDK registered every call here is a cheap no-op, and an
 * operator who registers one (e.g. via --import of an SDK setup) gets traces across Kafka hops.
 */
export const tracer = trace.getTracer('buying-groups');

export type Carrier = Record<string, string>;

/** Trace context of the active span as string headers (`traceparent`, `tracestate`), for Kafka messages and outbox rows. */
export function currentTraceHeaders(ctx: Context = context.active()): Carrier {
  const carrier: Carrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
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
