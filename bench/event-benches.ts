// The event-side benches of `npm run bench` (issue 8 §7), run after the HTTP scenarios with the
// servers stopped: bench/event-flow.ts (needs NATS JetStream) and bench/webhook-dispatch.ts, each
// as a child with --json and its own throwaway database. Not pinned: both sides of each ratio run
// in the one process (so pinning favours neither), and unpinned their figures compare with the
// scripts' standalone runs. A service that is not reachable
// skips its bench with the reason in the report, never fails the run; a bench that fails does.
import { connect } from 'node:net';
import { join } from 'node:path';
import { runPinnedForJson } from './pinned-process.ts';

/** bench/event-flow.ts --json, the part the report shows. */
export interface EventFlowResult {
  readonly settings: { readonly rows: number; readonly rounds: number; readonly batch: number; readonly rate: number };
  readonly relayRowsPerSec: number;
  readonly rawMsgPerSec: number;
  readonly relayOverRaw: number;
  readonly latency: {
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly count: number;
    readonly expected: number;
  };
}

/** bench/webhook-dispatch.ts --json, the part the report shows. */
export interface WebhookDispatchResult {
  readonly settings: {
    readonly deliveries: number;
    readonly endpoints: number;
    readonly rounds: number;
    readonly inFlight: number;
  };
  readonly workerPerSec: number;
  readonly directPerSec: number;
  readonly workerOverDirect: number;
}

export interface EventBenchResults {
  readonly eventFlow?: EventFlowResult;
  readonly webhookDispatch?: WebhookDispatchResult;
  /** Benches not run, and why (a service not reachable, or --skip-events). */
  readonly skipped: readonly string[];
}

/** The sizes npm run bench uses: small, so the whole run stays a few minutes on a shared host. */
const eventFlowArgs = ['--rows', '5000', '--rounds', '3', '--batch', '100', '--rate', '1000', '--seconds', '5'];
const webhookArgs = ['--deliveries', '1000', '--endpoints', '4', '--rounds', '3'];

/** Whether something accepts TCP connections at host:port within 2 s. */
export function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function check<T>(value: unknown, field: string, name: string): T {
  if (typeof value !== 'object' || value === null || !(field in value)) {
    throw new Error(`${name} printed an unexpected result: ${JSON.stringify(value).slice(0, 300)}`);
  }
  // Checked for its result field above; the script is ours and prints this shape with --json.
  return value as T;
}

export interface EventBenchOptions {
  readonly benchDir: string;
  readonly repoRoot: string;
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly log: (message: string) => void;
}

export async function runEventBenches(options: EventBenchOptions): Promise<EventBenchResults> {
  const skipped: string[] = [];
  const run = async (script: string, args: readonly string[]) => {
    options.log(`measuring ${script} ${args.join(' ')}`);
    return runPinnedForJson({
      name: script,
      core: undefined,
      args: [join(options.benchDir, script), ...args, '--database-url', options.databaseUrl, '--json'],
      cwd: options.repoRoot,
      timeoutMs: 600_000,
    });
  };
  const postgres = await reachable(options.databaseUrl, 5432);
  if (!postgres) skipped.push(`event-flow and webhook-dispatch: PostgreSQL not reachable at ${options.databaseUrl}`);
  const nats = postgres && (await reachable(options.natsUrl, 4222));
  if (postgres && !nats) skipped.push(`event-flow: NATS not reachable at ${options.natsUrl}`);
  const eventFlow = nats
    ? check<EventFlowResult>(
        await run('event-flow.ts', [...eventFlowArgs, '--nats-url', options.natsUrl]),
        'relayOverRaw',
        'event-flow.ts',
      )
    : undefined;
  const webhookDispatch = postgres
    ? check<WebhookDispatchResult>(
        await run('webhook-dispatch.ts', webhookArgs),
        'workerOverDirect',
        'webhook-dispatch.ts',
      )
    : undefined;
  return {
    ...(eventFlow === undefined ? {} : { eventFlow }),
    ...(webhookDispatch === undefined ? {} : { webhookDispatch }),
    skipped,
  };
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/** The report's lines for these benches (terminal and Markdown alike). */
export function eventBenchLines(results: EventBenchResults | undefined): string[] {
  if (results === undefined) return [];
  const lines: string[] = [];
  const flow = results.eventFlow;
  if (flow !== undefined) {
    lines.push(
      `outbox relay / raw JetStream publish+ack: ${pct(flow.relayOverRaw)}   (${flow.relayRowsPerSec} vs ${flow.rawMsgPerSec} msg/s; ${flow.settings.rows} rows, batch ${flow.settings.batch}, median of ${flow.settings.rounds} rounds)`,
      `commit → consumer at ${flow.settings.rate} events/s: p50 ${flow.latency.p50Ms.toFixed(1)} ms, p99 ${flow.latency.p99Ms.toFixed(1)} ms   (${flow.latency.count}/${flow.latency.expected} events)`,
    );
  }
  const hooks = results.webhookDispatch;
  if (hooks !== undefined) {
    lines.push(
      `webhook delivery worker / direct signed POSTs: ${pct(hooks.workerOverDirect)}   (${hooks.workerPerSec} vs ${hooks.directPerSec} /s; ${hooks.settings.deliveries} deliveries over ${hooks.settings.endpoints} endpoints, ${hooks.settings.inFlight} in flight, median of ${hooks.settings.rounds} rounds)`,
    );
  }
  for (const reason of results.skipped) lines.push(`skipped: ${reason}`);
  return lines;
}
