export * from './health.fastify.ts';
export * from './health-checks.ts';
