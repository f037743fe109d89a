import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Tracing } from './tracing.ts';

/**
 * Runs `work` as a CLIENT span under `parent` (a call to Redis, a broker). No span at all, and
 * nothing allocated, when tracing is off or the caller is in no trace: like a statement with no
 * traceparent (ADR 0016), a call outside any trace would only open a trace of its own.
 *
 * @example
 * ```ts
 * import { createTracing, inClientSpan } from '@keelson/kit/telemetry';
 * const tracing = await createTracing({ serviceName: 'checkout', serviceVersion: '1.0.0' });
 * const pong = await inClientSpan(tracing, undefined, 'PING', { 'db.system.name': 'redis' }, async () => 'PONG');
 * ```
 */
export function inClientSpan<T>(
  tracing: Tracing | undefined,
  parent: string | undefined,
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  if (tracing?.enabled !== true || parent === undefined) return work();
  const span = tracing.startSpan(name, { kind: SpanKind.CLIENT, parent, attributes });
  return work().then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      // The error's class only: a message may quote a key or a value.
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      span.end();
      throw error;
    },
  );
}

/**
 * A Redis command's span name and attributes: the command and the namespace the caller gave
 * (a configured key prefix), never a key or a value.
 *
 * @example
 * ```ts
 * import { redisSpan } from '@keelson/kit/telemetry';
 * const { name } = redisSpan('MGET', 'keelson:products'); // 'MGET keelson:products'
 * ```
 */
export function redisSpan(command: string, namespace: string): { name: string; attributes: Attributes } {
  return {
    name: `${command} ${namespace}`,
    attributes: { 'db.system.name': 'redis', 'db.operation.name': command, 'keelson.redis.namespace': namespace },
  };
}
