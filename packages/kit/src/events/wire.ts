import { z } from 'zod';
import type { EventMessage } from './event-bus.ts';

// The body every broker carries: the envelope without its headers, which travel as the
// transport's own message headers (so a tracer or a broker tool can read them unparsed).

const envelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  tenantId: z.string(),
  aggregateType: z.string(),
  aggregateId: z.string(),
  aggregateVersion: z.number().int(),
  occurredAt: z.string(),
  data: z.unknown(),
});

export function encodeBody(message: EventMessage): Uint8Array {
  const { headers: _headers, ...body } = message;
  return Buffer.from(JSON.stringify(body));
}

/** The message a body and its transport headers describe; throws when the body is not an envelope. */
export function decodeMessage(body: Uint8Array, headers: Readonly<Record<string, string>>): EventMessage {
  const parsed = envelope.parse(JSON.parse(Buffer.from(body).toString('utf8')));
  return { ...parsed, data: parsed.data ?? null, headers };
}

/** `<prefix>.<type>`: the NATS subject and the AMQP routing key. */
export function subjectOf(prefix: string, type: string): string {
  return `${prefix}.${type}`;
}

/** The type a subject or routing key names, or undefined when it is outside `prefix`. */
export function typeOf(prefix: string, subject: string): string | undefined {
  return subject.startsWith(`${prefix}.`) ? subject.slice(prefix.length + 1) : undefined;
}
