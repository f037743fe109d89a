import { type Priority, priorities, shedFromLevel } from './priority.ts';

/** An admission: call `done()` when the response ends, or the refusal's suggested wait. */
export type ShedDecision =
  | { readonly admitted: true; done(): void }
  | { readonly admitted: false; readonly level: number; readonly retryAfterMs: number };

/** Settings of {@link createLoadShedder}. */
export interface LoadShedderOptions {
  /**
   * The overload signal: 1 means at capacity (e.g. {@link createEventLoopSignal}); read once a tick.
   * Tests inject their own.
   */
  readonly signal: () => number;
  /** Requests in flight that count as at capacity (they add `inFlight / maxInFlight` to the signal). Default 1 000. */
  readonly maxInFlight?: number;
  /**
   * Below this many requests in flight nothing is shed, whatever the level: with so little
   * concurrency there is no queue to cut, and a loop kept busy by the requests themselves (an
   * embedded database runs its queries on it) or by a noisy neighbour must not refuse a lone
   * client. Default 8.
   */
  readonly minInFlight?: number;
  /** Smoothed signal at which levels 1…4 are entered. Default [1, 1.25, 1.5, 2.5]. */
  readonly enterAt?: readonly [number, number, number, number];
  /** A level is left when the smoothed signal falls below this share of its entry point. Default 0.8. */
  readonly exitRatio?: number;
  /** The least time a level is held before stepping down. Default 2 s. */
  readonly holdMs?: number;
  /** Weight of the newest sample in the moving average (EWMA). Default 0.3. */
  readonly smoothing?: number;
  /** How often `start()` ticks. Default 100 ms. */
  readonly tickMs?: number;
  readonly clock?: () => number;
}

/** What the shedder is doing, for metrics and tests. */
export interface LoadShedderStats {
  /** 0 admits everything; at n, the n least important classes are refused. */
  readonly level: number;
  /** The smoothed signal. */
  readonly pressure: number;
  readonly inFlight: number;
  /** By `<priority>:<admitted|shed>`. */
  readonly decisions: Readonly<Record<string, number>>;
}

export interface LoadShedder {
  /** Decides at once, from the current level: no I/O, no allocation beyond the answer. */
  admit(priority: Priority): ShedDecision;
  /** Reads the signal and moves the level by at most one step. */
  tick(): void;
  /** Ticks every `tickMs` (unref'd); returns the stop function. */
  start(): () => void;
  stats(): LoadShedderStats;
}

/**
 * Adaptive priority load shedding. The signal is smoothed (EWMA) and the level moves one step a
 * tick: up when the pressure reaches the next level's entry point, down only after `holdMs` at
 * a level and once the pressure is below `exitRatio` of the level's entry point (hysteresis), so
 * the decision does not flap around a threshold. Refusals suggest a wait that grows with the level.
 *
 * @example
 * ```ts
 * import { createEventLoopSignal, createLoadShedder } from '@keelson/kit/shedding';
 * const loop = createEventLoopSignal({ maxDelayMs: 50 });
 * const shedder = createLoadShedder({ signal: loop.read });
 * const stop = shedder.start();
 * const decision = shedder.admit('read');
 * if (decision.admitted) decision.done();
 * stop();
 * loop.close();
 * ```
 */
export function createLoadShedder(options: LoadShedderOptions): LoadShedder {
  const clock = options.clock ?? Date.now;
  const maxInFlight = options.maxInFlight ?? 1_000;
  const minInFlight = options.minInFlight ?? 8;
  const enterAt = options.enterAt ?? [1, 1.25, 1.5, 2.5];
  const exitRatio = options.exitRatio ?? 0.8;
  const holdMs = options.holdMs ?? 2_000;
  const smoothing = options.smoothing ?? 0.3;
  const decisions: Record<string, number> = {};
  for (const priority of priorities) {
    decisions[`${priority}:admitted`] = 0;
    decisions[`${priority}:shed`] = 0;
  }
  let level = 0;
  let pressure = 0;
  let changedAt = clock();
  let inFlight = 0;

  const done = (): void => {
    inFlight -= 1;
  };

  function tick(): void {
    const sample = Math.max(options.signal(), inFlight / maxInFlight);
    pressure = smoothing * sample + (1 - smoothing) * pressure;
    const now = clock();
    const next = enterAt[level];
    if (next !== undefined && pressure >= next) {
      level += 1;
      changedAt = now;
    } else if (level > 0 && now - changedAt >= holdMs && pressure < (enterAt[level - 1] ?? 0) * exitRatio) {
      level -= 1;
      changedAt = now;
    }
  }

  return {
    admit(priority) {
      const shed = inFlight >= minInFlight && level >= shedFromLevel(priority);
      const name = `${priority}:${shed ? 'shed' : 'admitted'}`;
      decisions[name] = (decisions[name] ?? 0) + 1;
      if (shed) return { admitted: false, level, retryAfterMs: level * 1_000 };
      inFlight += 1;
      let ended = false;
      return {
        admitted: true,
        done: () => {
          if (ended) return;
          ended = true;
          done();
        },
      };
    },
    tick,
    start() {
      const timer = setInterval(tick, options.tickMs ?? 100);
      timer.unref();
      return () => clearInterval(timer);
    },
    stats: () => ({ level, pressure, inFlight, decisions: { ...decisions } }),
  };
}
