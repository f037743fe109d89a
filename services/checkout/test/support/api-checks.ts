import assert from 'node:assert/strict';
import type { Database } from '@keelson/kit/db';
import type { Middleware } from 'openapi-fetch';

/** One response seen by a tracked client. */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The problem `code`, when the body is a problem document. */
  readonly code: string | undefined;
  /** The request was sent with an `X-Request-Deadline` already in the past. */
  readonly pastDeadline: boolean;
}

/** What every openapi-fetch call resolves to, whatever its operation. */
export interface CallResult {
  readonly response: Response;
  readonly error?: unknown;
}

export interface ExpectedProblem {
  readonly status: number;
  readonly code: string;
}

/** A parsed problem document (RFC 9457 as Keelson writes it). */
export interface Problem {
  readonly type: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly request_id: string;
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

// What a leaked stack trace or internal error looks like in a body.
const internals = /\n\s+at |\bat [\w.<>]+ \(|node:internal|node_modules|\.[cm]?[jt]s:\d+|"stack"|"cause"/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problemCode(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) && typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records every response of the clients it is installed on (`api.use(log.middleware)`) and
 * keeps each raw body, so assertions can look at the exact bytes the server sent.
 */
export function createExchangeLog() {
  const bodies = new WeakMap<Response, string>();
  const exchanges: Exchange[] = [];
  const sentPastDeadline = new WeakSet<Request>();
  const middleware: Middleware = {
    onRequest({ request }) {
      const deadline = Date.parse(request.headers.get('x-request-deadline') ?? '');
      if (deadline < Date.now()) sentPastDeadline.add(request);
    },
    async onResponse({ request, response }) {
      const body = await response.clone().text();
      bodies.set(response, body);
      const { method, url } = request;
      const pastDeadline = sentPastDeadline.has(request);
      exchanges.push({ method, url, status: response.status, code: problemCode(body), pastDeadline });
    },
  };
  return {
    middleware,
    exchanges,
    bodyOf(response: Response): string {
      const body = bodies.get(response);
      if (body === undefined) assert.fail('response of a client without the exchange log middleware');
      return body;
    },
  };
}

export type ExchangeLog = ReturnType<typeof createExchangeLog>;

/**
 * Asserts `result` is a well-formed problem, whatever its code: `application/problem+json`,
 * a 4xx/5xx status equal to the body's, a `request_id` equal to the `X-Request-Id` header,
 * and no stack trace or internals in the body.
 */
export function assertProblemShape(log: ExchangeLog, result: CallResult): Problem {
  const { response } = result;
  const body = log.bodyOf(response);
  assert.ok(response.status >= 400, `expected a problem, got ${response.status}: ${body}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json\b/, `content-type of ${body}`);
  const parsed: unknown = JSON.parse(body);
  assert.ok(isRecord(parsed), `a problem is a JSON object: ${body}`);
  assert.equal(parsed.status, response.status);
  assert.equal(typeof parsed.code, 'string');
  assert.equal(parsed.type, `urn:keelson:problem:${String(parsed.code)}`);
  assert.equal(typeof parsed.detail, 'string');
  assert.equal(typeof parsed.request_id, 'string');
  assert.notEqual(parsed.request_id, '');
  assert.equal(parsed.request_id, response.headers.get('x-request-id'), 'request_id equals the X-Request-Id header');
  assert.doesNotMatch(body, internals, `no stack trace or internals in: ${body}`);
  // Every required field was checked just above; `issues` is optional and only read by callers.
  return parsed as unknown as Problem;
}

/** Asserts `result` is the expected problem (status and code), well-formed as above. */
export function assertProblem(log: ExchangeLog, result: CallResult, expected: ExpectedProblem): Problem {
  const body = log.bodyOf(result.response);
  const what = `${expected.status} ${expected.code}`;
  assert.equal(result.response.status, expected.status, `expected ${what}, got ${result.response.status}: ${body}`);
  const problem = assertProblemShape(log, result);
  assert.equal(problem.code, expected.code, `expected ${what}, got: ${body}`);
  return problem;
}

/** Sends `text` verbatim as the body: for payloads the typed client cannot express. */
export function rawBody(text: string) {
  // Never serialized: `bodySerializer` replaces the typed body with `text`.
  const body = {} as never;
  return { body, bodySerializer: () => text };
}

/** Sends `value` as JSON without the request-body type: wrong types, extra or missing fields. */
export function jsonBody(value: unknown) {
  return rawBody(JSON.stringify(value));
}

export type Snapshot = Awaited<ReturnType<typeof snapshotTenants>>;

/**
 * Every row the tenants own (products with their stock, orders, order lines, outbox), as
 * JSON in a stable order: equal snapshots before and after a request prove it changed nothing.
 */
export function snapshotTenants(db: Database, tenantIds: readonly string[]) {
  return db.transaction({ deadline: Date.now() + 5_000 }, async (tx) => {
    const rows = async (table: 'products' | 'orders' | 'order_lines' | 'outbox', order: string) =>
      (
        await tx.query<{ row: unknown }>(
          `SELECT to_jsonb(t) AS row FROM ${table} t WHERE tenant_id = ANY($1::text[]) ORDER BY ${order}`,
          [tenantIds],
        )
      ).rows.map((r) => r.row);
    const stock = await tx.query<{ id: string; stock: number }>(
      'SELECT id, stock FROM products WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id, id',
      [tenantIds],
    );
    return {
      stock: Object.fromEntries(stock.rows.map((r) => [r.id, r.stock])),
      products: await rows('products', 'tenant_id, id'),
      orders: await rows('orders', 'tenant_id, id'),
      order_lines: await rows('order_lines', 'tenant_id, order_id, line_no'),
      outbox: await rows('outbox', 'id'),
    };
  });
}

/** Counts a tenant's outbox rows of one event type. */
export async function outboxCount(db: Database, tenantId: string, type: string): Promise<number> {
  const { rows } = await db.transaction({ deadline: Date.now() + 5_000 }, (tx) =>
    tx.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND type = $2', [
      tenantId,
      type,
    ]),
  );
  return rows[0]?.n ?? 0;
}
