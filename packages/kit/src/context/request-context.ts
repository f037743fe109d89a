import type { Logger } from 'pino';
import { AppError } from '../errors/index.ts';

/**
 * What every use case receives explicitly: who is asking (tenant), how long it may take
 * (deadline + signal), and where to log. Never stored in ambient state.
 */
export interface RequestContext {
  readonly requestId: string;
  /** Absolute deadline, epoch milliseconds. */
  readonly deadline: number;
  /** Aborts when the deadline passes or the caller goes away. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Set once the caller is authenticated; tenant-scoped use cases require it. */
  readonly tenantId?: string | undefined;
  /** The caller's W3C `traceparent`, when it sent a valid one: events written for it carry it on. */
  readonly traceparent?: string | undefined;
}

export interface CreateContextInput {
  readonly requestId: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Caller-side cancellation (e.g. the client disconnected). */
  readonly signal?: AbortSignal;
  readonly now?: number;
  /** A W3C `traceparent` to carry (checked by the caller, e.g. {@link parseTraceparent}). */
  readonly traceparent?: string | undefined;
}

/**
 * A context's time and cancellation, shared by every context derived from it (tenant, trace).
 * The signal, its deadline timer and its parent listener are made on first use only: a request
 * answered from memory (a warm cached read) never touches them, and a profile of that path found
 * `AbortSignal.timeout` + `AbortSignal.any` per request among its top costs (their timers fired
 * long after the answer and held the signals alive). One timer, cleared by {@link endContext}.
 */
class Lifetime {
  readonly #timeoutMs: number;
  readonly #startedAt = Date.now();
  readonly #parent: AbortSignal | undefined;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #endReason: unknown;
  #ended = false;

  constructor(timeoutMs: number, parent: AbortSignal | undefined) {
    this.#timeoutMs = timeoutMs;
    this.#parent = parent;
  }

  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    const left = this.#timeoutMs - (Date.now() - this.#startedAt);
    if (this.#ended) controller.abort(this.#endReason);
    else if (this.#parent?.aborted === true) controller.abort(this.#parent.reason);
    else if (left <= 0) controller.abort(deadlineReason());
    else {
      this.#timer = setTimeout(() => controller.abort(deadlineReason()), left);
      // Like AbortSignal.timeout: a pending deadline never keeps the process alive.
      this.#timer.unref();
      const parent = this.#parent;
      if (parent !== undefined) {
        // Made here, not per context: most contexts never make their signal.
        this.#onParentAbort = () => {
          clearTimeout(this.#timer);
          controller.abort(parent.reason);
        };
        parent.addEventListener('abort', this.#onParentAbort, { once: true });
      }
    }
    return controller.signal;
  }

  #onParentAbort: (() => void) | undefined;

  end(reason: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endReason = reason;
    if (this.#controller === undefined) return;
    clearTimeout(this.#timer);
    if (this.#onParentAbort !== undefined) this.#parent?.removeEventListener('abort', this.#onParentAbort);
    this.#controller.abort(reason);
  }
}

/** What AbortSignal.timeout aborts with, so callers that test for `TimeoutError` keep working. */
function deadlineReason(): DOMException {
  return new DOMException('The request deadline passed.', 'TimeoutError');
}

/**
 * The kit's context: plain fields plus a lazily made signal and logger. The logger is the
 * given one's child bound to the tenant (and trace fields), created when first used: a request
 * that logs only its access line (which names the tenant itself) makes no child logger.
 */
class ExchangeContext implements RequestContext {
  readonly requestId: string;
  readonly deadline: number;
  readonly tenantId: string | undefined;
  readonly traceparent: string | undefined;
  readonly #lifetime: Lifetime;
  readonly #baseLogger: Logger;
  readonly #bindings: Readonly<Record<string, string>> | undefined;
  #logger: Logger | undefined;

  constructor(
    fields: Pick<RequestContext, 'requestId' | 'deadline' | 'tenantId' | 'traceparent'>,
    lifetime: Lifetime,
    baseLogger: Logger,
    bindings: Readonly<Record<string, string>> | undefined,
  ) {
    this.requestId = fields.requestId;
    this.deadline = fields.deadline;
    this.tenantId = fields.tenantId;
    this.traceparent = fields.traceparent;
    this.#lifetime = lifetime;
    this.#baseLogger = baseLogger;
    this.#bindings = bindings;
  }

  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }

  get logger(): Logger {
    this.#logger ??= this.#bindings === undefined ? this.#baseLogger : this.#baseLogger.child(this.#bindings);
    return this.#logger;
  }

  /** The same exchange seen with more known: a tenant, a trace, fields every log line carries. */
  derive(change: { tenantId?: string; traceparent?: string; logFields?: Readonly<Record<string, string>> }) {
    const bindings = change.logFields === undefined ? this.#bindings : { ...this.#bindings, ...change.logFields };
    return new ExchangeContext(
      {
        requestId: this.requestId,
        deadline: this.deadline,
        tenantId: change.tenantId ?? this.tenantId,
        traceparent: change.traceparent ?? this.traceparent,
      },
      this.#lifetime,
      this.#baseLogger,
      bindings,
    );
  }

  end(reason: unknown): void {
    this.#lifetime.end(reason);
  }
}

/**
 * Builds a context whose signal aborts at the deadline or when the parent signal aborts.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createContext, remainingMs } from '@keelson/kit/context';
 * const ctx = createContext({ requestId: 'req_1', timeoutMs: 2_000, logger: pino() });
 * remainingMs(ctx); // ≈ 2000
 * ```
 */
export function createContext(input: CreateContextInput): RequestContext {
  const now = input.now ?? Date.now();
  const timeoutMs = Math.max(0, input.timeoutMs);
  return new ExchangeContext(
    { requestId: input.requestId, deadline: now + timeoutMs, tenantId: undefined, traceparent: input.traceparent },
    new Lifetime(timeoutMs, input.signal),
    input.logger,
    undefined,
  );
}

/**
 * Ends the exchange a context belongs to (and every context derived from it): its signal aborts
 * with `reason` and its deadline timer is cleared. The HTTP chassis calls it when the response
 * closes, so work meant to outlive the answer cannot hold on to the request's signal.
 */
export function endContext(ctx: RequestContext, reason: unknown): void {
  if (ctx instanceof ExchangeContext) ctx.end(reason);
}

/**
 * The context with a trace: `traceparent` carried on, `trace_id`/`span_id` on every log line.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createContext, withTrace } from '@keelson/kit/context';
 * const ctx = createContext({ requestId: 'req_1', timeoutMs: 2_000, logger: pino() });
 * const traced = withTrace(ctx, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * ```
 */
export function withTrace(ctx: RequestContext, traceparent: string): RequestContext {
  const [, traceId = '', spanId = ''] = traceparent.split('-');
  const logFields = { trace_id: traceId, span_id: spanId };
  if (ctx instanceof ExchangeContext) return ctx.derive({ traceparent, logFields });
  return { ...ctx, traceparent, logger: ctx.logger.child(logFields) };
}

const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A W3C trace-context `traceparent` (version 00) as sent, or undefined when absent or malformed
 * (the spec says to ignore an invalid one, never to fail the request).
 *
 * @example
 * ```ts
 * import { parseTraceparent } from '@keelson/kit/context';
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'); // the same string
 * parseTraceparent('garbage'); // undefined
 * ```
 */
export function parseTraceparent(value: string | undefined): string | undefined {
  return value !== undefined && traceparentPattern.test(value) ? value : undefined;
}

/** The context narrowed to a tenant: `tenantId` set, every log line it writes tagged `tenant`. */
export function withTenant(ctx: RequestContext, tenantId: string): RequestContext {
  if (ctx instanceof ExchangeContext) return ctx.derive({ tenantId, logFields: { tenant: tenantId } });
  return { ...ctx, tenantId, logger: ctx.logger.child({ tenant: tenantId }) };
}

/** Milliseconds left before the deadline (0 when already past). */
export function remainingMs(ctx: Pick<RequestContext, 'deadline'>, now = Date.now()): number {
  return Math.max(0, ctx.deadline - now);
}

/** The tenant of an authenticated context; a missing tenant is a wiring bug, not user error. */
export function tenantOf(ctx: RequestContext): string {
  if (ctx.tenantId === undefined) {
    throw new AppError('internal', 'internal_error', 'Tenant-scoped call without an authenticated tenant.');
  }
  return ctx.tenantId;
}
