/**
 * The service's log modules: each has its own logger and level, changeable at runtime through
 * the admin API (`PUT /admin/log_levels/{module}`). Every line carries its `module`, except the
 * root's (`service`: start-up, shutdown, what belongs to no module).
 */
export const logModules = [
  'service',
  'http',
  'admin',
  'db',
  'events',
  'jobs',
  'webhooks',
  'payments',
  'cache',
  'limits',
  'flags',
] as const;

export type LogModule = (typeof logModules)[number];
