import type { Attributes, Span } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * The recording spans of this process that have started and not yet ended, by span id: how an
 * event reaches "the current span" without an active-span context manager. Whoever holds a
 * context's `traceparent` names its span; the span is found here while it is open. Only
 * recording (sampled) spans pass through a processor, so the map holds nothing else, and every
 * span leaves it when it ends.
 */
export class OpenSpans implements SpanProcessor {
  readonly #open = new Map<string, Span>();

  onStart(span: Span): void {
    this.#open.set(span.spanContext().spanId, span);
  }

  onEnd(span: ReadableSpan): void {
    this.#open.delete(span.spanContext().spanId);
  }

  /** Adds `name` to the open span `spanId`; false when it is not open here (ended, remote, unsampled). */
  addEvent(spanId: string, name: string, attributes: Attributes): boolean {
    const span = this.#open.get(spanId);
    span?.addEvent(name, attributes);
    return span !== undefined;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#open.clear();
  }
}
