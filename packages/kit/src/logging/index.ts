export * from './create-logger.ts';
export * from './log-destination.ts';
export * from './module-loggers.ts';
