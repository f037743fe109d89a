import { SlidingWindow } from './sliding-window.ts';

/**
 * Finagle's retry budget: over a sliding window, retries ≤ ratio × calls + a floor of
 * `minRetriesPerSecond × windowMs / 1000`. Calls deposit, retries (and hedges) withdraw; when a
 * dependency fails for everyone, the first attempts still go out and the retries stop at the
 * ratio, so an outage adds at most `ratio` to its load instead of multiplying it by the attempts.
 */
export class RetryBudget {
  private readonly window: SlidingWindow;
  private readonly ratio: number;
  private readonly floor: number;

  constructor(ratio: number, minRetriesPerSecond: number, windowMs: number) {
    this.ratio = ratio;
    this.window = new SlidingWindow(windowMs);
    this.floor = (minRetriesPerSecond * windowMs) / 1000;
  }

  /** A first attempt went out. */
  recordCall(now: number): void {
    this.window.addFirst(now);
  }

  /** Takes one retry from the budget if it has one left. */
  tryRetry(now: number): boolean {
    const allowed = this.ratio * this.window.first(now) + this.floor;
    if (this.window.second(now) + 1 > allowed) return false;
    this.window.addSecond(now);
    return true;
  }
}
