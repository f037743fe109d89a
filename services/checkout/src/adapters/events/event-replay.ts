import type { EventMessage } from '@keelson/kit/events';
import type { ConsumedOutcome } from '../../app/ports.ts';
import type { EventConsumer } from './event-consumer.ts';

/** The columns of a `dead_letters` row that replay reads (source 'event'). */
export interface EventDeadLetter {
  /** The consumer the event failed in. */
  readonly name: string;
  /** The event id. */
  readonly message_key: string;
  /** The event message as it was delivered. */
  readonly payload: unknown;
}

/**
 * Replays a dead-lettered event: hands it to the consumer it failed in, once. The consumer's
 * inbox makes a second replay (or a late redelivery) apply nothing ('duplicate'). Throws if the
 * consumer is unknown or fails again; the entry then stays dead.
 */
export type EventReplayer = (deadLetter: EventDeadLetter, signal: AbortSignal) => Promise<ConsumedOutcome>;

export function createEventReplayer(consumers: readonly EventConsumer[]): EventReplayer {
  const byName = new Map(consumers.map((consumer) => [consumer.name, consumer]));
  return async (deadLetter, signal) => {
    const consumer = byName.get(deadLetter.name);
    if (consumer === undefined) throw new Error(`No event consumer named ${deadLetter.name}`);
    const message = eventMessageOf(deadLetter.payload);
    if (message.id !== deadLetter.message_key) {
      throw new Error(`Dead letter ${deadLetter.message_key} holds event ${message.id}`);
    }
    return consumer.handle({ message, attempt: 1, signal });
  };
}

/** The payload was written by `recordEventDeadLetter` from an EventMessage; checked, not trusted. */
function eventMessageOf(payload: unknown): EventMessage {
  const p = payload as Partial<Record<keyof EventMessage, unknown>> | null;
  const text = (value: unknown): value is string => typeof value === 'string' && value !== '';
  if (
    p === null ||
    typeof p !== 'object' ||
    !text(p.id) ||
    !text(p.type) ||
    !text(p.tenantId) ||
    !text(p.aggregateType) ||
    !text(p.aggregateId) ||
    !Number.isInteger(p.aggregateVersion) ||
    !text(p.occurredAt)
  ) {
    throw new Error('The dead letter does not hold an event message');
  }
  const headers: Record<string, string> = {};
  if (typeof p.headers === 'object' && p.headers !== null) {
    for (const [name, value] of Object.entries(p.headers)) if (typeof value === 'string') headers[name] = value;
  }
  return {
    id: p.id,
    type: p.type,
    tenantId: p.tenantId,
    aggregateType: p.aggregateType,
    aggregateId: p.aggregateId,
    aggregateVersion: p.aggregateVersion as number,
    occurredAt: p.occurredAt,
    data: p.data,
    headers,
  };
}
