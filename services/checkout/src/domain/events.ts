/**
 * A domain event before persistence gives it an id. The outbox stores it in the same
 * transaction as the change it describes, inside a stable envelope.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly aggregateType: 'order' | 'product' | 'payment' | 'refund';
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly occurredAt: Date;
  readonly data: Data;
}

/** The state an aggregate publishes: its id, the version the change produced, and when. */
interface AggregateState {
  readonly id: string;
  readonly version: number;
  readonly updatedAt: Date;
}

/** The event describing the change that produced `state`, which it carries whole. */
export function domainEvent<Type extends string, State extends AggregateState>(
  aggregateType: DomainEvent['aggregateType'],
  type: Type,
  state: State,
): DomainEvent<Type, State> {
  return {
    type,
    aggregateType,
    aggregateId: state.id,
    aggregateVersion: state.version,
    occurredAt: state.updatedAt,
    data: state,
  };
}
