export * from './admin-server.ts';
export type { SignalSource } from './exit-on-signal.ts';
export * from './shutdown.ts';
