import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

/**
 * Fastify's per-request logger (its `childLoggerFactory`), made only when something logs through
 * it. Fastify builds a pino child per request to bind the request id, and pino serializes those
 * bindings through redaction when it does: 2 % of a cached read's CPU for a logger that a request
 * logging nothing but its access line (written by the chassis, the id a field of it) never uses.
 * The request id is bound as before on the first line; the level and the rest come from the child.
 */
export function deferredRequestLogger(parent: Logger, bindings: Bindings, options: ChildLoggerOptions): Logger {
  // Fastify checks for the level methods and `child`; our code calls those, `isLevelEnabled`,
  // `bindings` and `flush`. The cast: the rest of pino's surface is not used on request loggers.
  return new DeferredRequestLogger(parent, bindings, options) as unknown as Logger;
}

class DeferredRequestLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The pino child Fastify would have made up front. */
  get real(): Logger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.#child === undefined && this.#options.level === undefined
      ? this.#parent.isLevelEnabled(level)
      : this.real.isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.real.child(bindings, options);
  }

  bindings(): Bindings {
    return this.real.bindings();
  }

  flush(callback?: (error?: Error) => void): void {
    this.real.flush(callback);
  }

  /** A line at `level` would be dropped: answered without making the child (its level is the parent's). */
  #off(level: string): boolean {
    return this.#child === undefined && this.#options.level === undefined && !this.#parent.isLevelEnabled(level);
  }

  // Prototype methods, not arrow fields: nothing is allocated per request but the object itself.
  fatal(...args: unknown[]): void {
    if (this.#off('fatal')) return;
    Reflect.apply(this.real.fatal, this.real, args);
  }
  error(...args: unknown[]): void {
    if (this.#off('error')) return;
    Reflect.apply(this.real.error, this.real, args);
  }
  warn(...args: unknown[]): void {
    if (this.#off('warn')) return;
    Reflect.apply(this.real.warn, this.real, args);
  }
  info(...args: unknown[]): void {
    if (this.#off('info')) return;
    Reflect.apply(this.real.info, this.real, args);
  }
  debug(...args: unknown[]): void {
    if (this.#off('debug')) return;
    Reflect.apply(this.real.debug, this.real, args);
  }
  trace(...args: unknown[]): void {
    if (this.#off('trace')) return;
    Reflect.apply(this.real.trace, this.real, args);
  }
  silent(): void {}
}
