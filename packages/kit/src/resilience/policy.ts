import {
  BrokenCircuitError,
  type BulkheadPolicy,
  BulkheadRejectedError,
  bulkhead,
  IsolatedCircuitError,
} from 'cockatiel';
import { AttemptFailure } from './attempt-failure.ts';
import { fullJitterDelayMs } from './backoff.ts';
import { Breaker } from './breaker.ts';
import { type Attempt, CallScope } from './call-scope.ts';
import { type Classify, outcomes } from './outcome.ts';
import { type BreakerState, type PolicyOptions, type ResolvedConfig, resolveConfig } from './policy-options.ts';
import { PolicyRejection, type RejectionReason, rejectionReasons } from './policy-rejection.ts';
import { type CallOutcome, callOutcomes, type PolicyStats } from './policy-stats.ts';
import type { ExecuteOptions, HedgeOptions, Policy, PolicyCall, PolicyContext } from './policy-types.ts';
import { RetryBudget } from './retry-budget.ts';

const zeroCounts = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>; // every key is set just above

class ResiliencePolicy implements Policy {
  readonly name: string;
  private readonly config: ResolvedConfig;
  private readonly random: () => number;
  private readonly budget: RetryBudget;
  private readonly breaker: Breaker;
  private readonly bulkhead: BulkheadPolicy;
  private readonly calls = zeroCounts(callOutcomes);
  private readonly rejections = zeroCounts(rejectionReasons);
  private retries = 0;
  private hedges = 0;

  constructor(options: PolicyOptions) {
    this.config = resolveConfig(options);
    this.name = this.config.name;
    this.random = options.random ?? Math.random;
    this.budget = new RetryBudget(this.config.budgetRatio, this.config.minRetriesPerSecond, this.config.budgetWindowMs);
    this.bulkhead = bulkhead(this.config.maxConcurrent, this.config.maxQueue);
    this.breaker = new Breaker(this.config, (state) => {
      const fields = {
        dependency: this.name,
        state,
        ...(state === 'open' ? { retryAfterMs: this.config.halfOpenAfterMs } : {}),
      };
      if (state === 'open') options.logger?.warn(fields, `circuit breaker for ${this.name} opened`);
      else options.logger?.info(fields, `circuit breaker for ${this.name} is ${state.replace('_', '-')}`);
      try {
        options.onStateChange?.(this.name, state);
      } catch (error) {
        options.logger?.error({ dependency: this.name, err: error }, 'onStateChange threw; ignored');
      }
    });
  }

  get state(): BreakerState {
    return this.breaker.state;
  }

  refusalMs(): number | undefined {
    return this.breaker.refusal(Date.now());
  }

  stats(): PolicyStats {
    return {
      state: this.breaker.state,
      calls: { ...this.calls },
      retries: this.retries,
      hedges: this.hedges,
      rejections: { ...this.rejections },
    };
  }

  async execute<T>(ctx: PolicyContext, call: PolicyCall<T>, classify: Classify, options?: ExecuteOptions): Promise<T> {
    const scope = new CallScope(ctx, this.config.marginMs);
    try {
      return await this.withRetries(scope, call, classify, options?.retry !== false);
    } catch (error) {
      if (error instanceof PolicyRejection) this.rejections[error.reason]++;
      throw error;
    } finally {
      scope.dispose();
    }
  }

  async hedge<T>(ctx: PolicyContext, call: PolicyCall<T>, classify: Classify, options: HedgeOptions): Promise<T> {
    const maxExtra = options.maxExtra ?? 1;
    if (!(options.afterMs >= 0) || !Number.isSafeInteger(maxExtra) || maxExtra < 0) {
      throw new RangeError(`hedge needs afterMs ≥ 0 and a whole maxExtra ≥ 0, got ${options.afterMs} and ${maxExtra}`);
    }
    const scope = new CallScope(ctx, this.config.marginMs);
    try {
      return await this.hedged(scope, call, classify, options.afterMs, maxExtra);
    } catch (error) {
      if (error instanceof PolicyRejection) this.rejections[error.reason]++;
      throw error;
    } finally {
      scope.dispose();
    }
  }

  private async withRetries<T>(scope: CallScope, call: PolicyCall<T>, classify: Classify, retry: boolean): Promise<T> {
    let last: AttemptFailure | undefined;
    for (let attempt = 1; ; attempt++) {
      if (scope.cause !== undefined) throw this.rejection('deadline_exceeded', last);
      const result = await this.attempt(scope, call, classify, attempt, last, 'retry');
      if (!(result instanceof AttemptFailure)) return result;
      last = result;
      if (result.cause === 'deadline' || result.cause === 'cancelled') throw this.rejection('deadline_exceeded', last);
      if (!result.outcome.retryable) throw result.error;
      if (!retry || attempt >= this.config.maxAttempts) throw this.rejection('attempts_exhausted', last);
      const now = Date.now();
      const asked = result.outcome.retryAfterMs;
      const jitter = fullJitterDelayMs(attempt, this.config.baseDelayMs, this.config.maxDelayMs, this.random);
      const delay = Math.max(asked ?? 0, jitter);
      // Never sleep past the deadline. If the dependency itself asked to wait that long, say so
      // (`attempts_exhausted` with its Retry-After: a 503 to pass on) rather than blame the deadline.
      if (now + delay >= scope.fireAt) {
        const askedTooMuch = asked !== undefined && now + asked >= scope.fireAt;
        throw this.rejection(askedTooMuch ? 'attempts_exhausted' : 'deadline_exceeded', last);
      }
      if (!this.budget.tryRetry(now)) throw this.rejection('retry_budget_exhausted', last);
      if (delay > 0) {
        try {
          await scope.sleep(delay);
        } catch {
          throw this.rejection('deadline_exceeded', last);
        }
      }
    }
  }

  private hedged<T>(
    scope: CallScope,
    call: PolicyCall<T>,
    classify: Classify,
    afterMs: number,
    maxExtra: number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let launched = 0;
      let running = 0;
      let done = false;
      let last: AttemptFailure | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void): void => {
        done = true;
        clearTimeout(timer);
        scope.abortAll('superseded');
        settle();
      };
      const mayAddOne = (): boolean => {
        if (done || launched > maxExtra || scope.cause !== undefined) return false;
        const now = Date.now();
        if (now >= scope.fireAt || this.breaker.refusal(now) !== undefined) return false;
        return this.budget.tryRetry(now);
      };
      const launch = (): void => {
        launched++;
        running++;
        const attempt = launched;
        if (launched <= maxExtra) timer = setTimeout(() => mayAddOne() && launch(), afterMs);
        this.attempt(scope, call, classify, attempt, last, 'hedge').then(
          (result) => {
            running--;
            if (done) return;
            if (!(result instanceof AttemptFailure)) return finish(() => resolve(result));
            last = result;
            if (result.cause === 'deadline' || result.cause === 'cancelled') {
              return finish(() => reject(this.rejection('deadline_exceeded', result)));
            }
            if (!result.outcome.retryable) return finish(() => reject(result.error));
            // A failure frees the hedge to start now, unless the dependency asked for a pause.
            if (result.outcome.retryAfterMs === undefined && mayAddOne()) {
              clearTimeout(timer);
              return launch();
            }
            if (running === 0) finish(() => reject(this.rejection('attempts_exhausted', result)));
          },
          (error: unknown) => {
            running--;
            if (done) return;
            // A rejected extra (breaker, bulkhead) leaves the others to answer.
            if (running === 0 || attempt === 1) finish(() => reject(error));
          },
        );
      };
      if (scope.cause !== undefined) reject(this.rejection('deadline_exceeded', undefined));
      else launch();
    });
  }

  /**
   * One attempt through bulkhead and breaker. Resolves with the value or an AttemptFailure;
   * throws a PolicyRejection when the bulkhead or the breaker refuse it.
   */
  private async attempt<T>(
    scope: CallScope,
    call: PolicyCall<T>,
    classify: Classify,
    number: number,
    last: AttemptFailure | undefined,
    kind: 'retry' | 'hedge',
  ): Promise<T | AttemptFailure> {
    const now = Date.now();
    const refusal = this.breaker.refusal(now);
    if (refusal !== undefined) throw this.rejection('circuit_open', last, refusal);
    const queued = this.bulkhead.executionSlots <= 0;
    if (queued && this.bulkhead.queueSlots <= 0) throw this.rejection('bulkhead_full', last);
    const attempt = scope.start(this.config.maxMs, now);
    try {
      const running = this.bulkhead.execute(
        () => this.breaker.run(() => this.invoke(attempt, call, classify, number, kind)),
        attempt.signal,
      );
      // Only a queued attempt needs the race: a running one settles through invoke's own race.
      return await (queued ? attempt.race(running) : running);
    } catch (error) {
      if (error instanceof BulkheadRejectedError) throw this.rejection('bulkhead_full', last);
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw this.rejection('circuit_open', last, this.breaker.retryAfterMs(Date.now()));
      }
      // Aborted while waiting for a bulkhead slot: the dependency never saw it.
      if (attempt.cause !== undefined) return new AttemptFailure(error, outcomes.transient(), false, attempt.cause);
      throw error;
    } finally {
      scope.finish(attempt);
    }
  }

  /** The call itself, inside the breaker: never throws, so cockatiel counts by `trips` only. */
  private async invoke<T>(
    attempt: Attempt,
    call: PolicyCall<T>,
    classify: Classify,
    number: number,
    kind: 'retry' | 'hedge',
  ): Promise<T | AttemptFailure> {
    // Counted when the attempt really goes out, not when it is decided: a breaker may refuse it.
    if (number === 1) this.budget.recordCall(Date.now());
    else if (kind === 'retry') this.retries++;
    else this.hedges++;
    try {
      const value = await attempt.race(call(attempt.signal, number));
      this.calls.success++;
      return value;
    } catch (error) {
      return this.failure(attempt, error, classify);
    }
  }

  private failure(attempt: Attempt, error: unknown, classify: Classify): AttemptFailure {
    const cause = attempt.cause;
    if (cause === 'deadline' || cause === 'attempt_timeout') {
      // The dependency did not answer in time: that is its failure, and worth another try.
      this.count('timeout');
      return new AttemptFailure(error, outcomes.transient(), true, cause);
    }
    if (cause !== undefined) {
      // Abandoned by the caller, or beaten by a hedge's winner: no verdict on the dependency.
      // But a probe the caller abandoned must not close the circuit on no evidence, so it
      // counts as a failed probe (a hedge's loser does not: its winner just succeeded).
      this.count('cancelled');
      const failedProbe = cause === 'cancelled' && this.breaker.state === 'half_open';
      return new AttemptFailure(error, outcomes.permanent, failedProbe, cause);
    }
    const outcome = classify(error);
    this.count(outcome.tripsBreaker ? 'failure' : 'error');
    return new AttemptFailure(error, outcome, outcome.tripsBreaker, undefined);
  }

  private count(outcome: CallOutcome): void {
    this.calls[outcome]++;
  }

  private rejection(reason: RejectionReason, last: AttemptFailure | undefined, retryAfterMs?: number): PolicyRejection {
    const after = retryAfterMs ?? last?.outcome.retryAfterMs;
    return new PolicyRejection(reason, this.name, {
      ...(last === undefined ? {} : { cause: last.error }),
      ...(after === undefined ? {} : { retryAfterMs: after }),
    });
  }
}

/**
 * Builds the policy for one dependency. Throws a `RangeError` naming every invalid field.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createPolicy, outcomes } from '@keelson/kit/resilience';
 * const psp = createPolicy({
 *   name: 'psp',
 *   timeout: { marginMs: 50 },
 *   retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 },
 *   retryBudget: { ratio: 0.1, minRetriesPerSecond: 1, windowMs: 10_000 },
 *   breaker: { volumeThreshold: 20, failureRatio: 0.5, windowMs: 10_000, halfOpenAfterMs: 5_000, halfOpenProbes: 2 },
 *   bulkhead: { maxConcurrent: 64, maxQueue: 64 },
 *   logger: pino(),
 * });
 * const ctx = { deadline: Date.now() + 2_000 };
 * const response = await psp.execute(
 *   ctx,
 *   (signal) => fetch('https://psp.example/v1/payment_intents/pi_1', { signal }),
 *   () => outcomes.transient(), // a thrown fetch error is a network failure
 * );
 * const read = await psp.hedge(ctx, (signal) => fetch('https://psp.example/v1/refunds/re_1', { signal }), () => outcomes.transient(), {
 *   afterMs: 100,
 * });
 * ```
 */
export function createPolicy(options: PolicyOptions): Policy {
  return new ResiliencePolicy(options);
}
