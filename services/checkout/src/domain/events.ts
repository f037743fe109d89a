/**
 * A domain event before persistence gives it an id. The outbox stores it in the same
 * transaction as the change it describes, inside a stable envelope.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly aggregateType: 'order' | 'product';
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly occurredAt: Date;
  readonly data: Data;
}
