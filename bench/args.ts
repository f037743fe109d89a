import { parseArgs } from 'node:util';

/** Settings of one bench run, from the command line (`npm run bench -- --duration 10 …`). */
export interface BenchArgs {
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** Rounds of all scenarios, interleaved in time; medians are reported. */
  readonly rounds: number;
  /** The service's KEELSON_DATABASE_POOL_MAX and the raw loop's concurrency: equal on purpose. */
  readonly pool: number;
  /** Products the orders rotate over; 1 = every order locks the same row (the default). */
  readonly products: number;
  /** Orders pre-created per round for the payment scenario (each is paid once); 0 = automatic. */
  readonly paymentOrders: number;
  readonly logLevel: string;
  readonly databaseUrl: string;
  /** NATS JetStream for bench/event-flow.ts; unreachable = that bench is skipped. */
  readonly natsUrl: string;
  /** Skip the event benches (event flow, webhook dispatch) after the HTTP scenarios. */
  readonly skipEvents: boolean;
  /** Redis for the warm service's product cache (and its rate limits) and the limiter bench's Redis side. */
  readonly redisUrl: string;
  /** Warm GETs of the RSS soak; 0 = no soak (the default). */
  readonly rssRequests: number;
  /** The NestJS peer's source (read-only is fine: it is copied before building). */
  readonly nestDir: string;
  readonly nestAdapter: 'express' | 'fastify';
  readonly skipNest: boolean;
  readonly serverCore: number;
  readonly loadCore: number;
  readonly outDir: string | undefined;
  readonly argv: readonly string[];
}

export const usage = `Usage: npm run bench -- [options]

  --duration S       measured seconds per scenario (default 10)
  --warmup S         unmeasured warm-up seconds before each scenario (default 2)
  --connections N    autocannon connections for the HTTP scenarios (default 64)
  --rounds N         repeat all scenarios N times, interleaved; report medians (default 1)
  --pool N           service pool max = raw SQL loop concurrency (default 10)
  --products N       products the orders rotate over (default 1: one hot row, see README)
  --payment-orders N orders pre-created per round for the payment scenario, each paid once
                     (default 0: automatic, 600 per warm-up + measured second)
  --log-level L      KEELSON_LOG_LEVEL of the service (default info: access log on)
  --database-url U   server to create the throwaway database on
                     (default $KEELSON_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --nats-url U       NATS JetStream for the event-flow bench (default $KEELSON_BENCH_NATS_URL
                     or nats://127.0.0.1:4222; not reachable = that bench is skipped)
  --skip-events      do not run the event-flow and webhook-dispatch benches after the HTTP ones
  --redis-url U      Redis of the warm service (product cache + rate limits) and of the
                     rate-limit bench (default $KEELSON_BENCH_REDIS_URL or redis://127.0.0.1:6379;
                     not reachable = the warm service runs without Redis, flagged: not warm)
  --rss-requests N   after the rounds, send N warm GETs and report the service's RSS before,
                     every 100 000 and after (issue 9 §6 uses 1000000; default 0 = off)
  --nest-dir D       the NestJS peer to compare against (default $KEELSON_BENCH_NEST_DIR or
                     /work/shared/peers/nest-checkout); built once, cached in ~/.cache/keelson-bench
  --nest-adapter A   express (default, the peer's default) or fastify
  --skip-nest        do not build or run the NestJS peer
  --server-core N    core the servers under test are pinned to (default 0)
  --load-core N      core the load generators are pinned to (default 1)
  --out DIR          where results go (default bench/results)`;

function positiveInt(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min} (got '${value}')`);
  return n;
}

const logLevels = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

/** Parses the flags; returns undefined after printing usage for --help. */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchArgs | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '1' },
      pool: { type: 'string', default: '10' },
      products: { type: 'string', default: '1' },
      'payment-orders': { type: 'string', default: '0' },
      'log-level': { type: 'string', default: 'info' },
      'database-url': { type: 'string' },
      'nats-url': { type: 'string' },
      'skip-events': { type: 'boolean', default: false },
      'redis-url': { type: 'string' },
      'rss-requests': { type: 'string', default: '0' },
      'nest-dir': { type: 'string' },
      'nest-adapter': { type: 'string', default: 'express' },
      'skip-nest': { type: 'boolean', default: false },
      'server-core': { type: 'string', default: '0' },
      'load-core': { type: 'string', default: '1' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  if (!logLevels.has(values['log-level'])) throw new Error(`--log-level must be one of ${[...logLevels].join(', ')}`);
  const nestAdapter = values['nest-adapter'];
  if (nestAdapter !== 'express' && nestAdapter !== 'fastify')
    throw new Error('--nest-adapter must be express or fastify');
  return {
    durationS: positiveInt(values.duration, '--duration', 1),
    warmupS: positiveInt(values.warmup, '--warmup', 0),
    connections: positiveInt(values.connections, '--connections', 1),
    rounds: positiveInt(values.rounds, '--rounds', 1),
    pool: positiveInt(values.pool, '--pool', 1),
    products: positiveInt(values.products, '--products', 1),
    paymentOrders: positiveInt(values['payment-orders'], '--payment-orders', 0),
    logLevel: values['log-level'],
    databaseUrl:
      values['database-url'] ?? env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: values['nats-url'] ?? env.KEELSON_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    skipEvents: values['skip-events'],
    redisUrl: values['redis-url'] ?? env.KEELSON_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    rssRequests: positiveInt(values['rss-requests'], '--rss-requests', 0),
    nestDir: values['nest-dir'] ?? env.KEELSON_BENCH_NEST_DIR ?? '/work/shared/peers/nest-checkout',
    nestAdapter,
    skipNest: values['skip-nest'],
    serverCore: positiveInt(values['server-core'], '--server-core', 0),
    loadCore: positiveInt(values['load-core'], '--load-core', 0),
    outDir: values.out,
    argv,
  };
}
