export * from './create-logger.ts';
export * from './log-destination.ts';
