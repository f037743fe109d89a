import { type CircuitBreakerPolicy, CircuitState, circuitBreaker, handleResultType, type IBreaker } from 'cockatiel';
import { AttemptFailure } from './attempt-failure.ts';
import type { BreakerState, ResolvedConfig } from './policy-options.ts';
import { SlidingWindow } from './sliding-window.ts';

/**
 * Opens when, over the window, at least `volumeThreshold` calls were seen and
 * failures / calls ≥ `failureRatio`. cockatiel's own SamplingBreaker takes a rate, not a
 * count, opens only strictly above its threshold and keeps stale slots (see SlidingWindow).
 */
class WindowBreaker implements IBreaker {
  /** first: successes, second: failures. */
  private readonly window: SlidingWindow;
  private readonly volumeThreshold: number;
  private readonly failureRatio: number;

  constructor(volumeThreshold: number, failureRatio: number, windowMs: number) {
    this.window = new SlidingWindow(windowMs);
    this.volumeThreshold = volumeThreshold;
    this.failureRatio = failureRatio;
  }

  // cockatiel reads and writes `state` only to serialize a breaker (toJSON / initialState); unused.
  get state(): unknown {
    return undefined;
  }

  set state(_value: unknown) {}

  success(state: CircuitState): void {
    // Called with HalfOpen when the circuit closes: the failures that opened it are history.
    if (state === CircuitState.HalfOpen) this.window.reset();
    else this.window.addFirst(Date.now());
  }

  failure(state: CircuitState): boolean {
    const now = Date.now();
    this.window.addSecond(now);
    if (state !== CircuitState.Closed) return true;
    const failures = this.window.second(now);
    const calls = failures + this.window.first(now);
    return calls >= this.volumeThreshold && failures >= this.failureRatio * calls;
  }
}

const stateNames: Readonly<Record<CircuitState, BreakerState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * cockatiel's circuit state machine (closed → open → half-open with `halfOpenSampling`) plus
 * what it lacks: beyond the configured probes, cockatiel parks further half-open calls until
 * the probes decide; here they are refused at once, so a dependency that hangs cannot hold
 * callers while its probes time out. Also knows how long until half-open, for `Retry-After`.
 */
export class Breaker {
  private readonly circuit: CircuitBreakerPolicy;
  private readonly config: ResolvedConfig;
  private openedAt = 0;
  private probes = 0;
  state: BreakerState = 'closed';

  constructor(config: ResolvedConfig, onChange: (state: BreakerState) => void) {
    this.config = config;
    this.circuit = circuitBreaker(
      handleResultType(AttemptFailure, (failure) => failure.trips),
      {
        halfOpenAfter: config.halfOpenAfterMs,
        breaker: new WindowBreaker(config.volumeThreshold, config.failureRatio, config.breakerWindowMs),
        halfOpenSampling: { calls: config.halfOpenProbes, threshold: 0 },
      },
    );
    this.circuit.onStateChange((circuitState) => {
      const state = stateNames[circuitState];
      // cockatiel stamps its own openedAt just before this event, so ours is never earlier.
      if (state === 'open') this.openedAt = Date.now();
      if (state === 'half_open') this.probes = 0;
      this.state = state;
      onChange(state);
    });
  }

  /** How long until a call could be let through; undefined when one is let through now. */
  refusal(now: number): number | undefined {
    if (this.state === 'open') {
      const left = this.openedAt + this.config.halfOpenAfterMs - now;
      return left > 0 ? left : undefined;
    }
    // Every probe is out: if one fails, the circuit stays open for another halfOpenAfterMs.
    if (this.state === 'half_open' && this.probes >= this.config.halfOpenProbes) return this.config.halfOpenAfterMs;
    return undefined;
  }

  /** Milliseconds until half-open, as a rejection's `retryAfterMs`. */
  retryAfterMs(now: number): number {
    return this.refusal(now) ?? this.config.halfOpenAfterMs;
  }

  /** Runs one attempt through the circuit; throws cockatiel's BrokenCircuitError when open. */
  run<T>(attempt: () => Promise<T | AttemptFailure>): Promise<T | AttemptFailure> {
    return this.circuit.execute(() => {
      // cockatiel moves open → half-open synchronously inside execute, before calling this.
      if (this.circuit.state === CircuitState.HalfOpen) this.probes++;
      return attempt();
    });
  }
}
