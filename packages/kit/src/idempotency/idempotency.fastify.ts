import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.ts';
import { atExchangeEnd, sendProblem } from '../http/index.ts';
import { isFinalStatus } from './finality.ts';
import { fingerprintOf } from './fingerprint.ts';
import { createIdempotency, type Idempotency, type IdempotencyOptions } from './idempotency.ts';
import { headerValues, idempotencyKeyHeader, parseIdempotencyKey } from './idempotency-key.ts';
import type { IdempotencyLease, IdempotencyStore } from './idempotency-store.ts';

/** `required`: a request without a key is refused (400); `optional`: a key is honoured when sent. */
export type IdempotencyMode = 'required' | 'optional';

/** What the handler of an idempotent request learns. */
export interface IdempotentExecution {
  readonly key: string;
  /** An earlier attempt under this key executed and left no final outcome: find its recovery point. */
  readonly recovered: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Opts the route into Idempotency-Key handling (`installIdempotency`). */
    idempotency?: IdempotencyMode;
  }
  interface FastifyRequest {
    /** Set when this request executes under an Idempotency-Key; `null` otherwise. */
    idempotency: IdempotentExecution | null;
  }
}

/** The response headers stored with a final outcome and sent again on replay; the rest are recomputed. */
export const replayedHeaders = [
  'content-type',
  'content-language',
  'content-location',
  'location',
  'etag',
  'last-modified',
  'link',
] as const;

/** Marks a replayed response (Stripe's name for it). */
export const idempotentReplayedHeader = 'idempotent-replayed';

/** Settings of {@link installIdempotency}: the store and how a request maps to its scope and lease. */
export interface InstallIdempotencyOptions extends Pick<IdempotencyOptions, 'retentionMs' | 'clock'> {
  readonly store: IdempotencyStore;
  /** The tenant a request's key belongs to; runs after authentication. */
  readonly scopeOf: (request: FastifyRequest) => string;
  /** How long the request may hold its key: its time left plus a margin for writing the answer. */
  readonly leaseMs: (request: FastifyRequest) => number;
}

/**
 * How long before the request's deadline its store calls must end. A completion runs before the
 * answer is sent, so a stalled store must give up early enough for the answer to still reach the
 * client in time; the kit's database cuts a call 100–200 ms past its own deadline.
 */
const answerMarginMs = 250;

/**
 * The deadline of a request's `complete` or `release`: the request's own, less the answer's margin
 * (never under the core's 2 s floor). Its statements then keep the request's `statement_timeout`
 * bucket on a shared pool: under a budget of their own they cost a `SET` each way (ADR 0005).
 */
function storeDeadline(request: FastifyRequest): number {
  return request.ctx.deadline - answerMarginMs;
}

/**
 * Idempotency-Key handling for every route declaring `config: { idempotency }`, registered in
 * this scope after this call (install it before the routes). On such a route a preHandler, added
 * after every other preHandler so that authentication, validation and any other rejection come
 * first and store nothing, reads the key and answers:
 * missing on a `required` route → 400 `idempotency_key_required`; malformed or repeated → 400
 * `idempotency_key_invalid`; used for another request → 422 `idempotency_key_reused`; in flight →
 * 409 `idempotency_request_in_progress` with `Retry-After`; completed → the stored status, body
 * bytes and `replayedHeaders`, plus `Idempotent-Replayed: true`. Otherwise the handler runs with
 * `request.idempotency` set, and an `onSend` hook (at this call's place among the scope's onSend
 * hooks) stores a final outcome (`isFinalStatus`) before the answer is sent; any other answer is
 * sent first and the key released after it, so a store write never delays a 5xx or a 504 (a retry
 * in between gets 409 `idempotency_request_in_progress`). If storing fails, the answer is still
 * sent and the key stays locked until its lease ends (then a retry takes over).
 * Returns the core, e.g. to start its purge timer.
 *
 * @example
 * ```ts
 * import { remainingMs } from '@keelson/kit/context';
 * import { createHttpServer } from '@keelson/kit/http';
 * import { createMemoryIdempotencyStore, installIdempotency } from '@keelson/kit/idempotency';
 * import { createLogger } from '@keelson/kit/logging';
 * const app = createHttpServer({ logger: createLogger({ level: 'info' }) });
 * const idempotency = installIdempotency(app, {
 *   store: createMemoryIdempotencyStore(),
 *   scopeOf: (request) => request.ctx.tenantId ?? 'public',
 *   leaseMs: (request) => remainingMs(request.ctx) + 5_000,
 * });
 * app.post('/payments', { config: { idempotency: 'required' } }, async (request, reply) =>
 *   reply.code(201).send({ key: request.idempotency?.key }),
 * );
 * const stopPurge = idempotency.startPurgeTimer(60_000, (error) => app.log.error({ err: error }, 'purge failed'));
 * await stopPurge();
 * ```
 */
export function installIdempotency(fastify: FastifyInstance, options: InstallIdempotencyOptions): Idempotency {
  const core = createIdempotency({
    store: options.store,
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const leases = new WeakMap<FastifyRequest, IdempotencyLease>();
  // Releases still running after their answers went out, by scope: a retry that reaches this
  // process meanwhile waits for its key's release instead of meeting the lease (409, Retry-After
  // 1 s). Closing the server waits for them all.
  const releasing = new Map<string, Promise<void>>();
  const wired = new Set<string>();

  async function begin(mode: IdempotencyMode, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const header = parseIdempotencyKey(headerValues(request.raw.rawHeaders, idempotencyKeyHeader));
    if (header.kind === 'missing') {
      if (mode === 'optional') return undefined;
      const message = 'This operation requires an Idempotency-Key header.';
      return sendProblem(reply, new AppError('invalid', 'idempotency_key_required', message));
    }
    if (header.kind === 'invalid') {
      return sendProblem(reply, new AppError('invalid', 'idempotency_key_invalid', header.reason));
    }
    const scope = { tenant: options.scopeOf(request), key: header.key };
    const { method, params, query, body } = request;
    const fingerprint = fingerprintOf({ method, route: request.routeOptions.url ?? request.url, params, query, body });
    const leaseMs = options.leaseMs(request);
    await releasing.get(scopeId(scope));
    const decision = await core.begin(scope, fingerprint, { leaseMs, deadline: request.ctx.deadline });
    switch (decision.kind) {
      case 'execute':
        leases.set(request, decision.lease);
        request.idempotency = { key: header.key, recovered: decision.recovered };
        return undefined;
      case 'replay': {
        const { status, headers, body: bytes } = decision.response;
        reply.code(status).headers(headers).header(idempotentReplayedHeader, 'true');
        return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      case 'in_progress': {
        reply.header('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)));
        const message = 'A request with this Idempotency-Key is still in progress; retry later.';
        return sendProblem(reply, new AppError('conflict', 'idempotency_request_in_progress', message));
      }
      case 'mismatch': {
        const message = 'This Idempotency-Key was used for another request; use a new key for a new request.';
        return sendProblem(reply, new AppError('invalid', 'idempotency_key_reused', message));
      }
    }
  }

  /**
   * Completes or releases, once per lease (`payload` absent: release); a store failure must not
   * cost the client its answer.
   */
  async function settle(request: FastifyRequest, reply: FastifyReply, payload?: { sent: unknown }): Promise<void> {
    const lease = leases.get(request);
    if (lease === undefined) return;
    leases.delete(request);
    const body = payload !== undefined && isFinalStatus(reply.statusCode) ? bytesOf(payload.sent) : undefined;
    const about = { idempotency_key: lease.key };
    try {
      if (body === undefined) {
        if (payload !== undefined && isFinalStatus(reply.statusCode)) {
          request.log.warn(about, 'a streamed answer cannot be replayed; idempotency key released');
        }
        await core.release(lease, { deadline: storeDeadline(request) });
        return;
      }
      const headers = replayable(reply);
      const settled = { deadline: storeDeadline(request) };
      if (!(await core.complete(lease, { status: reply.statusCode, headers, body }, settled))) {
        request.log.warn(
          about,
          'idempotency lease was taken over before this attempt ended; its outcome was not stored',
        );
      }
    } catch (error) {
      request.log.warn(
        { ...about, err: error },
        'idempotency outcome not recorded; the key stays locked until its lease ends',
      );
    }
  }

  if (!fastify.hasRequestDecorator('idempotency')) fastify.decorateRequest('idempotency', null);
  const releaseAfterAnswer = (request: FastifyRequest, reply: FastifyReply): void => {
    const lease = leases.get(request);
    if (lease === undefined) return;
    const id = scopeId(lease);
    const done: Promise<void> = settle(request, reply).finally(() => {
      if (releasing.get(id) === done) releasing.delete(id);
    });
    releasing.set(id, done);
  };
  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // A final outcome is stored before it is sent, so a client holding the answer can replay it.
    if (isFinalStatus(reply.statusCode)) await settle(request, reply, { sent: payload });
    // A transient failure (a 504 at the deadline, a 503) is answered first and released after:
    // a store write must not push the answer past the deadline. Until then the lease still
    // holds, so a retry in that moment gets 409 with Retry-After, never a second execution.
    // The exchange ends after the last byte is written, or when the client went away first.
    else if (leases.has(request)) atExchangeEnd(reply, () => releaseAfterAnswer(request, reply));
    return payload;
  };
  // A reply that never passed onSend (a failing onSend hook before ours) still ends its lease.
  const onResponse = async (request: FastifyRequest, reply: FastifyReply) => releaseAfterAnswer(request, reply);
  fastify.addHook('onRoute', (route) => {
    const mode = route.config?.idempotency;
    if (mode === undefined) return;
    if (mode !== 'required' && mode !== 'optional') {
      throw new TypeError(`${route.url}: config.idempotency must be 'required' or 'optional', got ${String(mode)}`);
    }
    // Route-level hooks run after every shared one: whatever rejects a request does so first, and
    // the answer stored is the one every shared onSend hook has finished. Only these routes pay
    // for them: a read has no idempotency hook to run.
    route.preHandler = [...listOf(route.preHandler), (request, reply) => begin(mode, request, reply)];
    route.onSend = [...listOf(route.onSend), onSend];
    route.onResponse = [...listOf(route.onResponse), onResponse];
    for (const method of listOf(route.method)) wired.add(`${method} ${route.url}`);
  });
  // Shared hooks also reach routes registered before this call, which onRoute never saw: refuse
  // to run those unprotected rather than silently executing duplicates.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const { config, url } = request.routeOptions;
    if (config.idempotency !== undefined && !wired.has(`${request.method} ${url}`)) {
      done(
        new Error(`${request.method} ${url} declares config.idempotency but was registered before installIdempotency`),
      );
      return;
    }
    done();
  });
  fastify.addHook('onClose', async () => {
    await Promise.allSettled(releasing.values());
  });
  return core;
}

function scopeId(scope: { readonly tenant: string; readonly key: string }): string {
  return `${scope.tenant}\u0000${scope.key}`;
}

function listOf<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T]; // Array.isArray narrows T[] only
}

/** The bytes Fastify writes for an onSend payload; `undefined` for a stream. */
function bytesOf(payload: unknown): Uint8Array | undefined {
  if (payload === undefined || payload === null) return new Uint8Array();
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return payload;
  return undefined;
}

function replayable(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of replayedHeaders) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
