/**
 * Two counters over the last `windowMs`, kept in `buckets` ring slots of `windowMs / buckets`
 * each, so a count is forgotten between `windowMs − windowMs / buckets` and `windowMs` after
 * it was added. Every slot a quiet spell skipped is cleared, however long the spell: cockatiel's
 * SamplingBreaker rotates one slot per call, so counts from an hour ago can still open it.
 * Reads and writes are O(1) amortised, no timers.
 */
export class SlidingWindow {
  private readonly bucketMs: number;
  private readonly firsts: number[];
  private readonly seconds: number[];
  /** Bucket number (time / bucketMs) of the newest slot; NaN before the first use. */
  private epoch = Number.NaN;
  private firstTotal = 0;
  private secondTotal = 0;

  constructor(windowMs: number, buckets = 10) {
    this.bucketMs = windowMs / buckets;
    this.firsts = new Array<number>(buckets).fill(0);
    this.seconds = new Array<number>(buckets).fill(0);
  }

  /** Sum of the first counter over the window. */
  first(now: number): number {
    this.advance(now);
    return this.firstTotal;
  }

  second(now: number): number {
    this.advance(now);
    return this.secondTotal;
  }

  addFirst(now: number): void {
    const slot = this.advance(now);
    this.firsts[slot] = (this.firsts[slot] ?? 0) + 1;
    this.firstTotal++;
  }

  addSecond(now: number): void {
    const slot = this.advance(now);
    this.seconds[slot] = (this.seconds[slot] ?? 0) + 1;
    this.secondTotal++;
  }

  reset(): void {
    this.firsts.fill(0);
    this.seconds.fill(0);
    this.firstTotal = 0;
    this.secondTotal = 0;
  }

  /** Clears the slots between the last use and `now`; returns the current slot. */
  private advance(now: number): number {
    const size = this.firsts.length;
    const epoch = Math.floor(now / this.bucketMs);
    if (Number.isNaN(this.epoch)) {
      this.epoch = epoch;
    } else if (epoch > this.epoch) {
      // A clock that went backwards (epoch < this.epoch) keeps counting into the newest slot.
      const steps = Math.min(size, epoch - this.epoch);
      for (let step = 1; step <= steps; step++) {
        const slot = (this.epoch + step) % size;
        this.firstTotal -= this.firsts[slot] ?? 0;
        this.secondTotal -= this.seconds[slot] ?? 0;
        this.firsts[slot] = 0;
        this.seconds[slot] = 0;
      }
      this.epoch = epoch;
    }
    return this.epoch % size;
  }
}
