/** One dependency probe. It must honour `signal`: it is aborted when the check times out. */
export type HealthCheck = (signal: AbortSignal) => Promise<void>;

/** `ok` per passing check, a short reason per failing one. */
export type CheckResults = Readonly<Record<string, string>>;

/** What `/readyz` returns: the overall status and one entry per check. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable' | 'shutting_down';
  readonly checks: CheckResults;
}

/** Probe budget; keep it below the orchestrator's probe timeout. */
export interface HealthChecksOptions {
  /** Per-check budget; a probe slower than this counts as failed. Default 1000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Readiness as seen by a load balancer: every named check passes and the process is
 * not draining. Framework-free; `registerHealthRoutes` puts it on HTTP.
 */
export interface HealthChecks {
  add(name: string, check: HealthCheck): void;
  /** Runs all checks concurrently. Concurrent callers share one run. */
  run(): Promise<HealthReport>;
  /** One-way: from now on `run` reports `shutting_down` without probing anything. */
  startDraining(): void;
  readonly draining: boolean;
}

/**
 * @example
 * ```ts
 * import { createHealthChecks } from '@keelson/kit/health';
 * const health = createHealthChecks({ timeoutMs: 500 });
 * health.add('database', async (signal) => { signal.throwIfAborted(); });
 * const report = await health.run(); // { status: 'ok', checks: { database: 'ok' } }
 * ```
 */
export function createHealthChecks(options: HealthChecksOptions = {}): HealthChecks {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const checks = new Map<string, HealthCheck>();
  let draining = false;
  let running: Promise<HealthReport> | undefined;

  async function runAll(): Promise<HealthReport> {
    const entries = [...checks];
    const outcomes = await Promise.all(entries.map(([, check]) => runOne(check, timeoutMs)));
    const results = Object.fromEntries(entries.map(([name], i) => [name, outcomes[i] ?? 'ok']));
    const failed = outcomes.some((outcome) => outcome !== 'ok');
    return { status: failed ? 'unavailable' : 'ok', checks: results };
  }

  return {
    add(name, check) {
      if (checks.has(name)) throw new Error(`Health check "${name}" is already registered.`);
      checks.set(name, check);
    },
    run() {
      if (draining) return Promise.resolve({ status: 'shutting_down', checks: {} });
      running ??= runAll().finally(() => {
        running = undefined;
      });
      return running;
    },
    startDraining() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}

/** Resolves to `ok` or a reason; never rejects, never outlives `timeoutMs`. */
async function runOne(check: HealthCheck, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timeout after ${timeoutMs} ms`));
      resolve(`timeout after ${timeoutMs} ms`);
    }, timeoutMs);
  });
  // `then` also catches a check that throws synchronously instead of rejecting.
  const probed = Promise.resolve()
    .then(() => check(controller.signal))
    .then(
      () => 'ok',
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  try {
    return await Promise.race([probed, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
