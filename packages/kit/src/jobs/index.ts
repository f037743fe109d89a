export * from './backoff.ts';
export * from './cron-scheduler.ts';
export * from './dead-letter.ts';
export * from './job-metrics.ts';
export * from './job-queue.ts';
export * from './job-worker.ts';
export * from './jobs.sql.ts';
