import type { Delivery } from '@keelson/kit/events';
import type { ConsumedOutcome } from '../../app/ports.ts';

/**
 * A consumer as the transports and the dead-letter replay see it: a durable name, the event types
 * it takes, and a handler that applies its effect at most once per event (through the inbox).
 */
export interface EventConsumer {
  readonly name: string;
  /** The event types it takes; `'*'` for every type. */
  readonly types: readonly string[] | '*';
  handle(delivery: Delivery): Promise<ConsumedOutcome>;
}
