export * from './app-error.ts';
export * from './grpc-status.ts';
export * from './http-status.ts';
export * from './problem.ts';
