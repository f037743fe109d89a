/**
 * The one interface every event transport implements: NATS JetStream, RabbitMQ and the
 * in-process bus of embedded mode. The outbox relay publishes through it; consumers subscribe
 * through it. Delivery is at-least-once: consumers make their effects idempotent (kit `inbox`).
 */

/** An event as it travels: the outbox row's envelope plus transport headers. */
export interface EventMessage {
  /** The event id: also the broker's de-duplication id (`Nats-Msg-Id`, AMQP `message_id`). */
  readonly id: string;
  /** e.g. `order.paid`; the subject / routing key is `<prefix>.<type>` (prefix `checkout`). */
  readonly type: string;
  readonly tenantId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  /** RFC 3339. */
  readonly occurredAt: string;
  readonly data: unknown;
  /** Lower-case names: `traceparent`, `tracestate`, `x-request-id`, … */
  readonly headers: Readonly<Record<string, string>>;
}

/** What a handler gets: the message and which delivery of it this is (1 for the first). */
export interface Delivery {
  readonly message: EventMessage;
  readonly attempt: number;
  /** Fires when the subscription is stopping past its drain budget: give up, the message is redelivered. */
  readonly signal: AbortSignal;
}

export interface SubscribeOptions {
  /** Durable consumer name, stable across restarts (`fulfillment`, `inventory`, `webhooks`). */
  readonly consumer: string;
  /** Event types to receive; `'*'` for all. */
  readonly types: readonly string[] | '*';
  /** Messages handled at once; the transport never fetches more than the free capacity. */
  readonly concurrency: number;
  /** After this many failed deliveries the message goes to `onDeadLetter` and is acknowledged. */
  readonly maxDeliveries: number;
  /** Delay before redelivery after a failed attempt (`attempt` = the attempt that failed). */
  readonly backoffMs: (attempt: number) => number;
  /** Records a message that failed its last delivery; must resolve before the message is acked. */
  readonly onDeadLetter: (delivery: Delivery, error: unknown) => Promise<void>;
}

/**
 * The handler resolves → the message is acknowledged. It throws → negative acknowledgement,
 * redelivered after `backoffMs(attempt)`, until `maxDeliveries`.
 */
export type EventHandler = (delivery: Delivery) => Promise<void>;

export interface Subscription {
  /** Stops fetching, waits for in-flight handlers (up to `drainMs`, then aborts their signals). */
  stop(drainMs: number): Promise<void>;
}

export interface EventBus {
  /** Which transport, for logs and metrics: `jetstream`, `amqp`, `in-process`. */
  readonly name: string;
  /**
   * Resolves once the broker has acknowledged every message (persisted, de-duplicated by id);
   * rejects if any was not, so the caller leaves those rows unpublished and retries later.
   * Messages of one aggregate are published in the order given.
   */
  publish(messages: readonly EventMessage[], signal: AbortSignal): Promise<void>;
  subscribe(options: SubscribeOptions, handler: EventHandler): Promise<Subscription>;
  /** Stops every subscription and closes the connection. */
  close(): Promise<void>;
}
