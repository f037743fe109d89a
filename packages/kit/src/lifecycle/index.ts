export * from './admin-server.ts';
export * from './close-in-reverse.ts';
export type { SignalSource } from './exit-on-signal.ts';
export * from './shutdown.ts';
