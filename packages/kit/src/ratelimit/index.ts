export * from './rate-limit.fastify.ts';
export * from './rate-limit.memory-store.ts';
export * from './rate-limit.redis-store.ts';
export * from './rate-limit-headers.ts';
export * from './rate-limit-policy.ts';
export * from './rate-limit-store.ts';
export * from './rate-limiter.ts';
