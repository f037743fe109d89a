export * from './consumer-metrics.ts';
export * from './event-bus.ts';
export * from './in-process-bus.ts';
export * from './lazy-buses.ts';
