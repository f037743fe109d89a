import type { ModuleLoggers } from '@keelson/kit/logging';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The admin API's answer: every module with its level now. */
export interface LogLevelsWire {
  readonly object: 'log_levels';
  readonly levels: Readonly<Record<string, string>>;
}

const toWire = (logs: ModuleLoggers<string>): LogLevelsWire => ({ object: 'log_levels', levels: logs.levels() });

/**
 * `/admin/log_levels`: each log module's level, and `PUT /admin/log_levels/{module}` `{ level }`
 * to change one while the process runs (e.g. `debug` on `events` during an incident). Per process
 * and not persisted: a restart, or another replica, has the configured level.
 */
export function logLevelRoutes(logs: ModuleLoggers<string>): FastifyPluginAsyncZod {
  // Safe: the composition names at least one module (the root's).
  const module = z.enum(logs.modules as [string, ...string[]]);
  return async (admin) => {
    admin.get('/log_levels', async () => toWire(logs));
    admin.put(
      '/log_levels/:module',
      { schema: { params: z.strictObject({ module }), body: z.strictObject({ level: z.enum(levels) }) } },
      async (request) => {
        logs.setLevel(request.params.module, request.body.level);
        request.log.warn({ log_module: request.params.module, level: request.body.level }, 'log level changed');
        return toWire(logs);
      },
    );
  };
}
