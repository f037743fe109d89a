import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyOf, keyScope } from './auth.ts';
import type { Sim } from './context.ts';
import { canonicalForm, type FormParams, parseForm } from './form-body.ts';
import { idempotencyKeyOf } from './idempotency.ts';
import type { Change, IdempotencyRecord, LedgerView } from './ledger.ts';
import { Params } from './params.ts';

/** One answer of the provider API: a status and the JSON Stripe would send. */
export interface Answer {
  readonly status: number;
  readonly json: unknown;
}

/** A parsed `application/x-www-form-urlencoded` body (see app.ts). */
export class FormBody {
  readonly params: FormParams;

  constructor(params: FormParams) {
    this.params = params;
  }
}

export interface MutationSpec<P> {
  /** `POST /v1/refunds`, for the idempotency check across endpoints. */
  readonly endpoint: string;
  /** Validation before the endpoint runs: a throw here stores nothing under the key. */
  prepare(params: Params, view: LedgerView): P;
  /** The endpoint itself, inside the ledger's transaction: every answer is stored under the key. */
  execute(
    view: LedgerView,
    prepared: P,
    nowMs: number,
  ): { readonly answer: Answer; readonly changes: readonly Change[] };
}

/**
 * A `POST` with Stripe's idempotency semantics: replay a stored answer, or validate, claim
 * the key, wait out any injected latency while holding it (so a duplicate meets a 409), run
 * the endpoint and store its answer with its changes, then answer, or under `lost_response`
 * cut the connection after everything was recorded.
 */
export async function handleMutation<P>(
  sim: Sim,
  request: FastifyRequest,
  reply: FastifyReply,
  spec: MutationSpec<P>,
): Promise<void> {
  const scope = keyScope(apiKeyOf(request.headers.authorization));
  const params = request.body instanceof FormBody ? request.body.params : new Map();
  const key = idempotencyKeyOf(request.headers['idempotency-key']);
  const fingerprint = canonicalForm(params);
  if (key !== undefined) {
    reply.header('idempotency-key', key);
    const stored = sim.keys.check(scope, key, spec.endpoint, fingerprint);
    if (stored !== undefined) return replay(sim, request, reply, stored);
  }
  const prepared = spec.prepare(new Params(params), sim.ledger);
  const release = key === undefined ? () => {} : sim.keys.claim(scope, key, spec.endpoint, fingerprint);
  const requestId = String(reply.getHeader('request-id'));
  let answer: { readonly status: number; readonly body: string };
  try {
    await delay(sim, request);
    answer = await sim.ledger.transact((view) => {
      const { answer: result, changes } = spec.execute(view, prepared, sim.now());
      const body = JSON.stringify(result.json);
      const stored: readonly Change[] =
        key === undefined
          ? []
          : [
              {
                kind: 'idempotency',
                record: {
                  scope,
                  key,
                  endpoint: spec.endpoint,
                  fingerprint,
                  status: result.status,
                  body,
                  requestId,
                  createdAt: sim.now(),
                },
              },
            ];
      return { result: { status: result.status, body }, changes: [...changes, ...stored] };
    });
  } finally {
    release();
  }
  if (sim.plans.get(request.raw)?.terminal === 'lost_response') return sever(sim, request, reply);
  send(reply, answer.status, answer.body);
}

/** A `GET`: authenticate, read the query (Stripe's bracket notation), wait out latency, answer. */
export async function handleRead(
  sim: Sim,
  request: FastifyRequest,
  reply: FastifyReply,
  read: (params: Params) => Answer,
): Promise<void> {
  apiKeyOf(request.headers.authorization);
  const url = request.raw.url ?? '';
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const params = new Params(parseForm(query));
  await delay(sim, request);
  const answer = read(params);
  if (sim.plans.get(request.raw)?.terminal === 'lost_response') return sever(sim, request, reply);
  send(reply, answer.status, JSON.stringify(answer.json));
}

function replay(sim: Sim, request: FastifyRequest, reply: FastifyReply, stored: IdempotencyRecord): void {
  if (sim.plans.get(request.raw)?.terminal === 'lost_response') {
    sever(sim, request, reply);
    return;
  }
  reply.header('idempotent-replayed', 'true').header('original-request', stored.requestId);
  send(reply, stored.status, stored.body);
}

function send(reply: FastifyReply, status: number, body: string): void {
  reply.code(status).type('application/json').send(body);
}

async function delay(sim: Sim, request: FastifyRequest): Promise<void> {
  const ms = sim.plans.get(request.raw)?.delayMs ?? 0;
  if (ms > 0) await sleep(ms, undefined, { signal: sim.closing });
}

/** Destroys the connection without an answer; the client sees a reset. */
export function sever(sim: Sim, request: FastifyRequest, reply: FastifyReply): void {
  sim.severed.add(request.raw);
  reply.hijack();
  request.raw.socket.destroy();
}
