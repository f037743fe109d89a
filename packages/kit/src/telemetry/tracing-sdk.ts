import type { Attributes, Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { OpenSpans } from './open-spans.ts';
import type { TracingOptions } from './tracing-options.ts';

/** The recording side of {@link createTracing}, loaded only when tracing is on. */
export interface ExportingTracer {
  readonly tracer: Tracer;
  addEvent(traceparent: string | undefined, name: string, attributes: Attributes): void;
  shutdown(): Promise<void>;
}

/** A tracer provider that samples parent-based by ratio and exports over OTLP/HTTP in batches. */
export function createExportingTracer(options: TracingOptions & { readonly endpoint: string }): ExportingTracer {
  const open = new OpenSpans();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    spanProcessors: [
      open,
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` }),
        scheduledDelayMillis: options.exportDelayMs ?? 1_000,
        // Bounded: a collector that is down drops spans, never grows the heap.
        maxQueueSize: 2_048,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('keelson', options.serviceVersion),
    addEvent(traceparent, name, attributes) {
      // `00-<trace id>-<span id>-<flags>`: contexts only carry checked or self-made ones.
      if (traceparent !== undefined) open.addEvent(traceparent.slice(36, 52), name, attributes);
    },
    shutdown: () => provider.shutdown(),
  };
}
