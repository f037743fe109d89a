export * from './config-error.ts';
export * from './config-field.ts';
export * from './load-config.ts';
export * from './redacted-config.ts';
