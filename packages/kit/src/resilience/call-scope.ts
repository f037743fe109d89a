/**
 * Why an attempt ended early: the caller's deadline (minus the margin), the per-attempt cap
 * (`timeout.maxMs`), the caller's own signal, or another attempt of a hedge that won.
 */
export type AbortCause = 'deadline' | 'attempt_timeout' | 'cancelled' | 'superseded';

// Timer callbacks and the abort listener take the object as an argument or `handleEvent`, so
// that a call allocates no closure for them: the hot path is mostly allocation (see the bench).
const capReached = (attempt: Attempt): void => attempt.abort('attempt_timeout');
const deadlineReached = (scope: CallScope): void => scope.end('deadline', undefined);
const once = { once: true } as const;

function abortReason(cause: AbortCause): DOMException {
  return cause === 'deadline' || cause === 'attempt_timeout'
    ? new DOMException(`the call's time is up (${cause})`, 'TimeoutError')
    : new DOMException(`the call was abandoned (${cause})`, 'AbortError');
}

/**
 * One attempt's signal. `race` ends the wait the moment the attempt is aborted, even when the
 * call ignores its signal, so a hung dependency cannot hold the caller (or a bulkhead slot)
 * past the deadline. Rejecters are called directly, not through abort listeners: cheaper.
 */
export class Attempt {
  private readonly controller = new AbortController();
  private rejecters: ((reason: unknown) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  cause: AbortCause | undefined;

  constructor(maxMs: number | undefined) {
    if (maxMs !== undefined) this.timer = setTimeout(capReached, maxMs, this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(cause: AbortCause, reason: unknown = abortReason(cause)): void {
    if (this.cause !== undefined) return;
    this.cause = cause;
    this.end();
    this.controller.abort(reason);
    for (const reject of this.rejecters) reject(reason);
    this.rejecters = [];
  }

  /** Settles like `promise`, or rejects with the abort reason as soon as the attempt is aborted. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.cause !== undefined) {
      // The call may still settle later; nobody waits for it, so its rejection is not unhandled.
      promise.catch(() => {});
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.rejecters.push(reject);
      promise.then(resolve, reject);
    });
  }

  /** Clears the per-attempt timer (STACK pitfall 13: no timer outlives its call). */
  end(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The part of a request context a policy needs. */
export interface CallScopeContext {
  /** Absolute deadline, epoch ms. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

/**
 * One execution (all its attempts). A single timer fires at `deadline − marginMs` and aborts
 * every live attempt and any backoff sleep, as does the caller's signal; `dispose` clears both.
 */
export class CallScope {
  /** When the call's time is up: deadline − margin, epoch ms. */
  readonly fireAt: number;
  cause: 'deadline' | 'cancelled' | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly live: Attempt[] = [];
  private timer: NodeJS.Timeout | undefined;
  private wake: ((reason: unknown) => void) | undefined;

  constructor(ctx: CallScopeContext, marginMs: number, now = Date.now()) {
    this.fireAt = ctx.deadline - marginMs;
    this.signal = ctx.signal;
    if (ctx.signal?.aborted === true) {
      this.cause = 'cancelled';
    } else if (this.fireAt <= now) {
      this.cause = 'deadline';
    } else {
      this.timer = setTimeout(deadlineReached, this.fireAt - now, this);
      ctx.signal?.addEventListener('abort', this, once);
    }
  }

  /** A new attempt bound to this scope's deadline, capped at `maxMs` when given. */
  start(maxMs: number | undefined, now = Date.now()): Attempt {
    // A cap that would fire after the deadline adds nothing but a second timer.
    const attempt = new Attempt(maxMs !== undefined && now + maxMs < this.fireAt ? maxMs : undefined);
    this.live.push(attempt);
    return attempt;
  }

  finish(attempt: Attempt): void {
    attempt.end();
    const index = this.live.indexOf(attempt);
    if (index >= 0) this.live.splice(index, 1);
  }

  /** Aborts every live attempt, e.g. the losers of a hedge. */
  abortAll(cause: AbortCause): void {
    for (const attempt of this.live.splice(0)) attempt.abort(cause);
  }

  /** Waits `ms`; rejects at once when the deadline passes or the caller aborts meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = (reason) => {
        clearTimeout(timer);
        reject(reason);
      };
    });
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.signal?.removeEventListener('abort', this);
    // Anything still running past the end (a bug, or a hedge's loser) must not keep its timer.
    for (const attempt of this.live) attempt.end();
  }

  /** The caller's signal aborted (EventListener object form: no closure per call). */
  handleEvent(): void {
    this.end('cancelled', this.signal?.reason);
  }

  end(cause: 'deadline' | 'cancelled', reason: unknown): void {
    if (this.cause !== undefined) return;
    this.cause = cause;
    this.dispose();
    // An undefined reason (the deadline, or a signal aborted without one) gets the default.
    for (const attempt of this.live.splice(0)) attempt.abort(cause, reason);
    this.wake?.(reason);
    this.wake = undefined;
  }
}
