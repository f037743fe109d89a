import { createContext, parseTraceparent, type RequestContext, withTenant } from '@keelson/kit/context';
import type { Delivery } from '@keelson/kit/events';
import type { Logger } from 'pino';

/**
 * The context a consumer's use case runs in: the tenant of the event, the request id and
 * traceparent of the request that caused it (so the events it writes carry them on), a deadline
 * of `timeoutMs`, and the delivery's signal (a stopping consumer aborts it).
 */
export function contextForDelivery(delivery: Delivery, logger: Logger, timeoutMs: number): RequestContext {
  const { message } = delivery;
  const traceparent = parseTraceparent(message.headers.traceparent);
  const requestId = message.headers['x-request-id'] ?? message.id;
  const ctx = createContext({
    requestId,
    timeoutMs,
    logger: logger.child({
      // The request that caused the event and its tenant, as on that request's own lines.
      request_id: requestId,
      tenant: message.tenantId,
      event: message.id,
      type: message.type,
      attempt: delivery.attempt,
      // The trace of the span handling it (or of the request that caused it), for log search.
      ...(traceparent === undefined ? {} : { trace_id: traceparent.slice(3, 35), span_id: traceparent.slice(36, 52) }),
    }),
    signal: delivery.signal,
    ...(traceparent === undefined ? {} : { traceparent }),
  });
  return withTenant(ctx, message.tenantId);
}
