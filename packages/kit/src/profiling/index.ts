export * from './pprof.fastify.ts';
export * from './profiler.ts';
