export * from './event-loop-signal.ts';
export * from './load-shedder.ts';
export * from './priority.ts';
export * from './shedding.fastify.ts';
