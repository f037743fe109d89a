export { compiledZodSerializer } from './compiled-serializer.ts';
export * from './create-http-server.ts';
export * from './deadline.ts';
export { atExchangeEnd } from './exchange-end.ts';
export * from './fastify-errors.ts';
export { sendProblem } from './problem-replies.ts';
export * from './request-id.ts';
export { apiContentSecurityPolicy, docsContentSecurityPolicy } from './security-headers.ts';
