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
  readonly tenantId?: string;
  /** The caller's W3C `traceparent`, when it sent a valid one: events written for it carry it on. */
  readonly traceparent?: string;
}

export interface CreateContextInput {
  readonly requestId: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Caller-side cancellation (e.g. the client disconnected). */
  readonly signal?: AbortSignal;
  readonly now?: number;
  /** A W3C `traceparent` to carry (checked by the caller, e.g. {@link parseTraceparent}). */
  readonly traceparent?: string;
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
  const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
  const signal = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
  const ctx = { requestId: input.requestId, deadline: now + timeoutMs, signal, logger: input.logger };
  return input.traceparent === undefined ? ctx : { ...ctx, traceparent: input.traceparent };
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

export function withTenant(ctx: RequestContext, tenantId: string): RequestContext {
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
