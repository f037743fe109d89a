export * from './broadcast.ts';
export * from './cache.ts';
export * from './redis-broadcast.ts';
export * from './redis-connection.ts';
export * from './redis-tier.ts';
export * from './remote-tier.ts';
