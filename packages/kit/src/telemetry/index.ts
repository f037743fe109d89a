export * from './client-span.ts';
export * from './tracing.ts';
