export * from './consumer-options.ts';
export * from './inbox.ts';
export * from './inbox-table.sql.ts';
