import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TracingOptions } from './tracing-options.ts';

export type { Attributes, Span, TracingOptions };
export { SpanKind, SpanStatusCode };

/**
 * Spans at the seams we own (HTTP in, SQL, provider calls, broker publish and consume), parented
 * explicitly through each context's W3C `traceparent` rather than an ambient active span: the
 * request context already travels explicitly, so no async-context machinery is needed (ADR 0015).
 */
export interface Tracing {
  /** False: every span is a no-op that keeps its parent's `traceparent`, and costs nothing. */
  readonly enabled: boolean;
  /** Starts a span under `parent` (a `traceparent`, or a new trace when undefined). */
  startSpan(name: string, options: SpanOptions): Span;
  /**
   * Adds an event to the span a context's `traceparent` names, if that span is open in this
   * process (a request's server span, a consumer's span): a flag evaluation, a decision. Nothing
   * when tracing is off, the span has ended or was not sampled, or `traceparent` is undefined.
   */
  addEvent(traceparent: string | undefined, name: string, attributes: Attributes): void;
  /** Sends what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export interface SpanOptions {
  readonly kind: SpanKind;
  readonly parent: string | undefined;
  readonly attributes?: Attributes;
  /** Other traces this span serves (a relay batch publishing many requests' events). */
  readonly links?: readonly string[];
}

const propagator = new W3CTraceContextPropagator();
const getter = { get: (carrier: Record<string, string>, key: string) => carrier[key], keys: Object.keys };

/** The context a `traceparent` names, for a child span; the root context when absent. */
export function contextOf(traceparent: string | undefined): Context {
  return traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, { traceparent }, getter);
}

/** The `traceparent` to hand on for a span (a no-op span keeps its parent's). */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/**
 * Whether a W3C `traceparent` (checked or self-made) says its trace is recorded: the sampled bit
 * of its flags.
 */
export function isSampled(traceparent: string): boolean {
  return (Number.parseInt(traceparent.slice(53, 55), 16) & 1) === 1;
}

function start(tracer: Tracer, name: string, options: SpanOptions): Span {
  const parent = options.parent;
  // Under parent-based sampling nothing below an unsampled span is recorded: the span is then the
  // parent's context itself, made without the SDK's sampler, new ids and context objects (they
  // made an unsampled request cost about what a sampled one did). What it propagates is unchanged:
  // the trace id and the unsampled flag.
  if (parent !== undefined && options.links === undefined && !isSampled(parent)) {
    return trace.wrapSpanContext({
      traceId: parent.slice(3, 35),
      spanId: parent.slice(36, 52),
      traceFlags: Number.parseInt(parent.slice(53, 55), 16),
      isRemote: true,
    });
  }
  const links: Link[] = (options.links ?? []).flatMap((traceparent) => {
    const context = trace.getSpanContext(contextOf(traceparent));
    return context === undefined ? [] : [{ context }];
  });
  return tracer.startSpan(
    name,
    { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}), links },
    contextOf(options.parent),
  );
}

/**
 * Tracing exported over OTLP/HTTP when `endpoint` is set, else a no-op.
 *
 * @example
 * ```ts
 * import { createTracing, SpanKind } from '@keelson/kit/telemetry';
 * const tracing = await createTracing({ serviceName: 'checkout', serviceVersion: '1.0.0' });
 * const span = tracing.startSpan('charge', { kind: SpanKind.CLIENT, parent: undefined });
 * span.end();
 * await tracing.shutdown();
 * ```
 */
export async function createTracing(options: TracingOptions): Promise<Tracing> {
  if (options.endpoint === undefined) {
    // The API's tracer with no provider registered: spans are non-recording and carry their parent.
    const noop = trace.getTracerProvider().getTracer('keelson-noop');
    return {
      enabled: false,
      startSpan: (name, span) => start(noop, name, span),
      addEvent: () => {},
      shutdown: async () => {},
    };
  }
  // The SDK and the exporter load only when tracing is on: a service without it never pays their
  // memory (about 30 MiB of RSS) or their start-up time.
  const { createExportingTracer } = await import('./tracing-sdk.ts');
  const exporting = createExportingTracer({ ...options, endpoint: options.endpoint });
  return {
    enabled: true,
    startSpan: (name, span) => start(exporting.tracer, name, span),
    addEvent: exporting.addEvent,
    shutdown: exporting.shutdown,
  };
}
