import type { LevelWithSilent, Logger } from 'pino';

/** The loggers of a process's modules, each with a level an operator can change while it runs. */
export interface ModuleLoggers<Module extends string> {
  readonly modules: readonly Module[];
  /** The module's logger: bound to `module`, with a level of its own. */
  get(module: Module): Logger;
  levels(): Readonly<Record<Module, LevelWithSilent>>;
  /** Takes effect at once for the module's logger and every logger derived from it, old or new. */
  setLevel(module: Module, level: LevelWithSilent): void;
}

/**
 * One child of `root` per module, each given its own level (the root's to start with). Per-module
 * levels need nothing on the hot path: a pino child reads its log methods through its parent
 * until it sets a level of its own, so the children a module's logger makes (per request, per
 * delivery, per component) follow a change to it, including those made before the change; and a
 * module that set its own level no longer follows the root's.
 *
 * `root` itself may be one of the modules (named `rootModule`): lines logged straight on it.
 *
 * @example
 * ```ts
 * import { createLogger, createModuleLoggers } from '@keelson/kit/logging';
 * const logs = createModuleLoggers(createLogger({ level: 'info' }), ['http', 'jobs'] as const);
 * logs.setLevel('jobs', 'debug');
 * logs.get('jobs').debug('now written');
 * ```
 */
export function createModuleLoggers<Module extends string>(
  root: Logger,
  modules: readonly Module[],
  options: { readonly rootModule?: Module } = {},
): ModuleLoggers<Module> {
  const loggers = new Map<Module, Logger>();
  for (const module of modules) {
    if (module === options.rootModule) {
      loggers.set(module, root);
      continue;
    }
    const logger = root.child({ module });
    // Its own level from the start, so a later change of the root's leaves it alone.
    logger.level = root.level;
    loggers.set(module, logger);
  }
  const get = (module: Module): Logger => {
    const logger = loggers.get(module);
    if (logger === undefined) throw new Error(`Unknown log module "${module}".`);
    return logger;
  };
  return {
    modules,
    get,
    levels() {
      // Safe: the record has exactly one entry per module.
      return Object.fromEntries(modules.map((m) => [m, get(m).level])) as Record<Module, LevelWithSilent>;
    },
    setLevel(module, level) {
      get(module).level = level;
    },
  };
}
