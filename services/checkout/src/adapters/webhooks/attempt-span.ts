import { SpanKind, SpanStatusCode, type Tracing } from '@keelson/kit/telemetry';
import type { PostOutcome } from '@keelson/kit/webhooks';
import type { ClaimedDelivery } from '../postgres/webhook-delivery.pg-queue.ts';

/** Ends an attempt's span with how the POST went. */
export type EndAttemptSpan = (outcome: PostOutcome | undefined) => void;

const nothing: EndAttemptSpan = () => {};

/**
 * A CLIENT span for one signed POST, child of the span that enqueued the delivery (the
 * dispatcher's consumer span), so API call → relay → dispatcher → receiver is one trace. It names
 * the receiver's host only: a URL's path or query may carry the receiver's own token, and the
 * body, signature and secrets are never looked at. Without tracing, nothing is started.
 */
export function startAttemptSpan(tracing: Tracing | undefined, delivery: ClaimedDelivery): EndAttemptSpan {
  if (tracing?.enabled !== true) return nothing;
  // Checked when the endpoint was registered; should one not parse, the guard refuses it, not the span.
  const url = URL.parse(delivery.url);
  const span = tracing.startSpan('POST webhook', {
    kind: SpanKind.CLIENT,
    parent: delivery.traceparent,
    attributes: {
      'http.request.method': 'POST',
      ...(url === null ? {} : { 'server.address': url.hostname, 'url.scheme': url.protocol.replace(/:$/, '') }),
      // Retries are resends in OpenTelemetry's HTTP conventions (0 on the first attempt).
      'http.request.resend_count': delivery.attempt - 1,
      'keelson.webhook.endpoint_id': delivery.endpointId,
      'keelson.webhook.delivery_id': delivery.id,
      'keelson.event.id': delivery.eventId,
    },
  });
  return (outcome) => {
    if (outcome === undefined) span.setAttribute('error.type', 'aborted');
    else if (outcome.kind === 'response') {
      span.setAttribute('http.response.status_code', outcome.status);
      if (outcome.status >= 300) span.setAttribute('error.type', String(outcome.status));
    } else {
      span.setAttribute('error.type', outcome.kind);
    }
    if (outcome?.kind !== 'response' || outcome.status >= 300) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
}
