import { type Priority, priorities, shedRank } from './priority.ts';

/** An admission: call `done()` once when the response ends, or the refusal's suggested wait. */
export type ShedDecision =
  | { readonly admitted: true; done(): void }
  | { readonly admitted: false; readonly level: number; readonly retryAfterMs: number };

type Refusal = Extract<ShedDecision, { admitted: false }>;

/** Settings of {@link createLoadShedder}. */
export interface LoadShedderOptions {
  /**
   * The overload signal: 1 means at the target load (e.g. {@link createEventLoopSignal}); read
   * once a tick. Tests inject their own.
   */
  readonly signal: () => number;
  /** Requests in flight that read as pressure 1 (`inFlight / maxInFlight` competes with the signal). Default 100. */
  readonly maxInFlight?: number;
  /**
   * Below this many requests in flight nothing is shed, whatever the depth: with so little
   * concurrency there is no queue to cut, and a loop kept busy by the requests themselves (an
   * embedded database runs its queries on it) or by a noisy neighbour must not refuse a lone
   * client. Default 8.
   */
  readonly minInFlight?: number;
  /** The smoothed pressure the controller holds. Default 1. */
  readonly target?: number;
  /** Within `target ± deadBand` the depth does not move (no hunting around the target). Default 0.1. */
  readonly deadBand?: number;
  /** Depth added per tick per unit of pressure above the band (removed below it). Default 2. */
  readonly gain?: number;
  /**
   * Largest rise of the depth in one tick. Default 0.1 (a class a second at 100 ms ticks; past 3,
   * into payments, `maxStepDown`). Only twice the fall: the larger the ratio, the more a noisy
   * signal ratchets the depth above what holds the target.
   */
  readonly maxStepUp?: number;
  /** Largest fall of the depth in one tick. Default 0.05 (a class in 2 s): slower down than up, so it does not flap. */
  readonly maxStepDown?: number;
  /**
   * Ticks after a rise during which the depth does not fall (go-zero's cool-off). Default 10
   * (1 s at 100 ms ticks): load hovering at the edge no longer refuses a little, then nothing,
   * then a little again from one second to the next (the ramp bench saw 0.11 → 0 → 0.39).
   * Payments are the exception: past 3 the depth leaves their class as soon as the pressure allows.
   */
  readonly holdTicks?: number;
  /**
   * `critical` (payments, refunds) is refused only once every other class is (depth 3) and the
   * smoothed pressure is at least this. Default 2: twice the target, which utilisation alone
   * (≤ 1 / target utilisation) never reaches; only a loop delay of twice its limit or twice the
   * in-flight bound does.
   */
  readonly criticalAt?: number;
  /** Weight of the newest sample in the moving average (EWMA). Default 0.3. */
  readonly smoothing?: number;
  /** How often `start()` ticks. Default 100 ms. */
  readonly tickMs?: number;
}

/** What the shedder is doing, for metrics and tests. */
export interface LoadShedderStats {
  /**
   * The shed depth d ∈ [0, 4]: the ⌊d⌋ least important classes are refused, the next one in the
   * share d − ⌊d⌋. 0 admits everything; 4 refuses every class.
   */
  readonly depth: number;
  /** ⌈depth⌉: how many classes are refused, in full or in part. */
  readonly level: number;
  /** The smoothed signal. */
  readonly pressure: number;
  readonly inFlight: number;
  /** By `<priority>:<admitted|shed>`. */
  readonly decisions: Readonly<Record<string, number>>;
}

export interface LoadShedder {
  /** Decides at once from the current depth: no I/O, no allocation (the answers are shared). */
  admit(priority: Priority): ShedDecision;
  /** Reads the signal and moves the depth by at most one bounded step. */
  tick(): void;
  /** Ticks every `tickMs` (unref'd); returns the stop function. */
  start(): () => void;
  stats(): LoadShedderStats;
}

function medianOf3(a: number, b: number, c: number): number {
  if (a > b) return b > c ? b : a > c ? c : a;
  return a > c ? a : b > c ? c : b;
}

/** Weyl step (golden ratio): a class's draws `k·φ mod 1` spread evenly over [0, 1) for any share. */
const golden = 0.6180339887498949;
const classes = priorities.length;

/**
 * Adaptive priority load shedding with a continuous depth. Each tick the signal (or the in-flight
 * share, the larger) is filtered (median of the last 3 ticks, then EWMA) and an integral controller moves the depth by
 * `gain × (pressure − target)`, bounded per tick (fast up, slow down) and not at all within the
 * dead band, so a steady load settles on the share of the boundary class that holds the target
 * instead of refusing a whole class and flapping. The boundary class is refused in the exact
 * share d − ⌊d⌋ by a deterministic low-discrepancy draw (no `Math.random`). Payments are refused
 * only past depth 3 (all else refused) under extreme pressure (`criticalAt`).
 *
 * @example
 * ```ts
 * import { createEventLoopSignal, createLoadShedder } from '@keelson/kit/shedding';
 * const loop = createEventLoopSignal({ targetUtilization: 0.8 });
 * const shedder = createLoadShedder({ signal: loop.read, maxInFlight: 80 });
 * const stop = shedder.start();
 * const decision = shedder.admit('read');
 * if (decision.admitted) decision.done();
 * stop();
 * loop.close();
 * ```
 */
export function createLoadShedder(options: LoadShedderOptions): LoadShedder {
  const maxInFlight = options.maxInFlight ?? 100;
  const minInFlight = options.minInFlight ?? 8;
  const target = options.target ?? 1;
  const deadBand = options.deadBand ?? 0.1;
  const gain = options.gain ?? 2;
  const maxStepUp = options.maxStepUp ?? 0.1;
  const maxStepDown = options.maxStepDown ?? 0.05;
  const holdTicks = options.holdTicks ?? 10;
  const criticalAt = options.criticalAt ?? 2;
  const smoothing = options.smoothing ?? 0.3;
  // By rank (0 = bulk … 3 = critical): counters and the Weyl phase of each class's draws.
  const admittedBy = new Float64Array(classes);
  const shedBy = new Float64Array(classes);
  const phase = new Float64Array(classes);
  let depth = 0;
  let pressure = 0;
  let inFlight = 0;

  // The answers are shared, not built per call: an admission's done() only uncounts, and the
  // refusal changes with the level only (rebuilt by tick). done() must run once per admission
  // (atExchangeEnd runs a step exactly once); the floor at 0 keeps a stray extra call harmless.
  const admission: ShedDecision = Object.freeze({
    admitted: true as const,
    done(): void {
      if (inFlight > 0) inFlight -= 1;
    },
  });
  const refusalAt = (level: number): Refusal =>
    Object.freeze({ admitted: false as const, level, retryAfterMs: Math.max(1, level) * 1_000 });
  let refusal = refusalAt(0);

  let previous = 0;
  let beforePrevious = 0;
  /** Ticks since the depth last rose (a large start: no hold before the first rise). */
  let sinceRise = Number.POSITIVE_INFINITY;

  function tick(): void {
    const raw = Math.max(options.signal(), inFlight / maxInFlight);
    // The median of the last three samples: a one-tick stall (a GC pause, a neighbour's time
    // slice: the loop delay's p99 over a tick is about its maximum) is dropped instead of pushing
    // the depth up for several ticks; overload lasting two ticks passes. The ramp bench showed such
    // spikes ratcheting the depth up (fast up, slow down) until reads were refused at 0.85 pressure.
    const sample = medianOf3(raw, previous, beforePrevious);
    beforePrevious = previous;
    previous = raw;
    pressure = smoothing * sample + (1 - smoothing) * pressure;
    const error = pressure - target;
    let next = depth;
    sinceRise += 1;
    if (error > deadBand) next += Math.min(gain * (error - deadBand), maxStepUp);
    else if (error < -deadBand && sinceRise > holdTicks) next -= Math.min(gain * (-error - deadBand), maxStepDown);
    // Past 3 only payments are left: go there under extreme pressure only, slowly, and leave as it eases.
    if (next > classes - 1) {
      next =
        pressure >= criticalAt
          ? Math.min(next, classes, Math.max(depth, classes - 1) + maxStepDown)
          : Math.max(classes - 1, depth - maxStepDown);
    }
    // Rounded to 1e-9 so repeated steps land on whole depths (no float residue of a class).
    const rounded = next < 0 ? 0 : Math.round(next * 1e9) / 1e9;
    if (rounded > depth) sinceRise = 0;
    depth = rounded;
    const level = Math.ceil(depth);
    if (level !== refusal.level) refusal = refusalAt(level);
  }

  return {
    admit(priority) {
      const rank = shedRank[priority];
      const share = depth - rank;
      if (share > 0 && inFlight >= minInFlight) {
        let shed = share >= 1;
        if (!shed) {
          let draw = (phase[rank] ?? 0) + golden;
          if (draw >= 1) draw -= 1;
          phase[rank] = draw;
          shed = draw < share;
        }
        if (shed) {
          shedBy[rank] = (shedBy[rank] ?? 0) + 1;
          return refusal;
        }
      }
      admittedBy[rank] = (admittedBy[rank] ?? 0) + 1;
      inFlight += 1;
      return admission;
    },
    tick,
    start() {
      const timer = setInterval(tick, options.tickMs ?? 100);
      timer.unref();
      return () => clearInterval(timer);
    },
    stats() {
      const decisions: Record<string, number> = {};
      for (const priority of priorities) {
        const rank = shedRank[priority];
        decisions[`${priority}:admitted`] = admittedBy[rank] ?? 0;
        decisions[`${priority}:shed`] = shedBy[rank] ?? 0;
      }
      return { depth, level: Math.ceil(depth), pressure, inFlight, decisions };
    },
  };
}
