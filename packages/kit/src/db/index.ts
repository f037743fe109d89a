export * from './database.ts';
export * from './database-errors.ts';
export * from './migrate.ts';
export * from './pg-database.ts';
export * from './pglite-database.ts';
export * from './traced-database.ts';
