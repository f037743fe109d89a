export * from './outbox-metrics.ts';
export * from './outbox-notifier.ts';
export * from './outbox-relay.ts';
export * from './outbox-store.ts';
export * from './outbox-table.sql.ts';
