export * from './cache-metrics.ts';
export * from './create-metrics.ts';
export * from './http-metrics.fastify.ts';
export * from './limit-metrics.ts';
export * from './log-counters.ts';
export * from './outcome-counter.ts';
export * from './policy-metrics.ts';
export * from './pool-gauges.ts';
