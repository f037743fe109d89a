import { createRequire } from 'node:module';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { createLogDestination } from './log-destination.ts';

/**
 * Paths pino replaces with `[REDACTED]` before a line is written. `*.x` matches one
 * level deep only (`body.password`, not `a.b.password`): pino's wildcard is not
 * recursive, so the top-level names are listed too.
 */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
];

/** How the process logs; parsed from config once at start-up. */
export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /**
   * Human-readable output for local development. Needs the optional `pino-pretty`
   * package; never enable it in production (it runs in a worker and costs throughput).
   */
  readonly pretty?: boolean;
  /** Fields on every line, e.g. `{ service: 'checkout', version }`. Defaults to pid + hostname. */
  readonly base?: Readonly<Record<string, unknown>>;
  /** Extra redaction paths, added to {@link redactedPaths}. */
  readonly redact?: readonly string[];
  /**
   * Where lines go. Default: stdout through {@link createLogDestination}, which never blocks
   * or throws. Tests pass a stream to capture lines.
   */
  readonly destination?: DestinationStream;
}

/**
 * Creates the process logger: JSON lines with ISO timestamps and string levels,
 * secrets redacted.
 *
 * @example
 * ```ts
 * import { createLogger } from '@keelson/kit/logging';
 * const logger = createLogger({ level: 'info', base: { service: 'checkout' } });
 * logger.info({ req: { headers: { authorization: 'Bearer x' } } }, 'redacted');
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    level: options.level,
    redact: { paths: [...redactedPaths, ...(options.redact ?? [])], censor: '[REDACTED]' },
    timestamp: isoTimeOncePerMillisecond,
    // Aggregators index `"level":"info"` far better than pino's numeric levels.
    formatters: { level: (label: string) => ({ level: label }) },
    ...(options.base === undefined ? {} : { base: { ...options.base } }),
  };
  if (options.pretty === true) {
    return pino({ ...config, transport: { target: resolvePretty() } });
  }
  return pino(config, options.destination ?? createLogDestination());
}

function resolvePretty(): string {
  try {
    return createRequire(import.meta.url).resolve('pino-pretty');
  } catch (cause) {
    throw new Error('Logger option `pretty` needs the `pino-pretty` package installed.', { cause });
  }
}

let stampedAt = Number.NaN;
let stamp = '';

/**
 * pino's `isoTime` (`,"time":"<ISO 8601>"`), formatted once per millisecond: a busy server writes
 * several lines within one, and formatting a Date per line showed in the read path's profile.
 */
function isoTimeOncePerMillisecond(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}
