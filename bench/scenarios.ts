import type { LoadSpec } from './load-autocannon.ts';
import type { Ratio } from './report.ts';
import { ratio } from './report.ts';

/**
 * The scenarios of one round of `npm run bench`, in the order they run, and the ratios over
 * them with the targets of issue 9 §6 (reported, never enforced). bench/README.md has the table.
 */

export const scenario = {
  bare: 'bare Fastify GET /',
  get: 'service GET /v1/products/{id} warm',
  revalidate: 'service GET /v1/products/{id} If-None-Match → 304',
  sql: 'bare Fastify + pg GET /v1/products/{id}',
  cold: 'service GET /v1/products/{id} cold (cache off)',
  post: 'service POST /v1/orders',
  raw: 'raw pg order transaction',
  replay: 'service POST /v1/orders/{id}/payments replayed',
  pay: 'service POST /v1/orders/{id}/payments',
  psp: 'psp-sim POST /v1/payment_intents direct',
  nestGet: 'NestJS GET /v1/products/{id}',
  nestPost: 'NestJS POST /v1/orders',
} as const;

/** Issue 9 §6 (and issue 5's POST target): lower bounds on numerator / denominator. */
export const targets = { get: 0.6, revalidate: 0.7, cold: 0.8, post: 0.5, aheadOfNest: 1 } as const;

/** Every HTTP target a round drives; `nest` is absent when the peer was skipped. */
export interface RoundTargets {
  readonly bareUrl: string;
  /** Bare Fastify + the product read's SQL on a pool of the service's size (bench/fastify-sql.ts). */
  readonly sqlUrl: string;
  /** The service with its product cache on (with Redis when reachable): warm reads and 304s. */
  readonly warmUrl: string;
  /** The current ETag of the read product on the warm service, for If-None-Match. */
  readonly etag: string;
  /** The service without a product cache (KEELSON_CACHE_ENABLED=false): cold reads, orders, payments. */
  readonly serviceUrl: string;
  readonly pspUrl: string;
  readonly token: string;
  readonly pspApiKey: string;
  /** The product every GET scenario reads: never ordered, so its version (and ETag) stays put. */
  readonly readProductId: string;
  /** The products the order scenarios buy. */
  readonly orderProductIds: readonly string[];
  readonly replayPath: string;
  readonly replayHeaders: Record<string, string>;
  readonly payBody: string;
  readonly paymentPathsFile: string;
  readonly pspBody: string;
  readonly nest?: { readonly url: string; readonly token: string; readonly productId: string };
}

export type Step = { readonly kind: 'http'; readonly spec: LoadSpec } | { readonly kind: 'raw-sql-loop' };

/** One round's steps, back to back: each ratio's two sides are neighbours in time. */
export function roundSteps(t: RoundTargets, http: Pick<LoadSpec, 'connections' | 'durationS' | 'warmupS'>): Step[] {
  const auth = { authorization: `Bearer ${t.token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const get = (name: string, url: string, headers: Record<string, string>, extra: Partial<LoadSpec> = {}): Step => ({
    kind: 'http',
    spec: { scenario: name, url, method: 'GET', headers, ...http, ...extra },
  });
  const post = (name: string, url: string, headers: Record<string, string>, extra: Partial<LoadSpec>): Step => ({
    kind: 'http',
    spec: { scenario: name, url, method: 'POST', headers, ...http, ...extra },
  });
  const orderBodies = (ids: readonly string[]) =>
    ids.map((id) => JSON.stringify({ lines: [{ product_id: id, quantity: 1 }] }));
  const productPath = `/v1/products/${t.readProductId}`;
  const steps: Step[] = [
    get(scenario.bare, `${t.bareUrl}/`, {}),
    get(scenario.get, `${t.warmUrl}${productPath}`, auth),
    get(scenario.revalidate, `${t.warmUrl}${productPath}`, { ...auth, 'if-none-match': t.etag }, { expectStatus: 304 }),
    get(scenario.sql, `${t.sqlUrl}${productPath}`, {}),
    get(scenario.cold, `${t.serviceUrl}${productPath}`, auth),
    post(scenario.post, `${t.serviceUrl}/v1/orders`, json, { bodies: orderBodies(t.orderProductIds) }),
    { kind: 'raw-sql-loop' },
    post(scenario.replay, `${t.serviceUrl}${t.replayPath}`, t.replayHeaders, { bodies: [t.payBody] }),
    post(scenario.pay, `${t.serviceUrl}/v1/orders/-/payments`, json, {
      bodies: [t.payBody],
      pathsFile: t.paymentPathsFile,
      freshIdempotencyKey: true,
    }),
    post(
      scenario.psp,
      `${t.pspUrl}/v1/payment_intents`,
      { authorization: `Bearer ${t.pspApiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      { bodies: [t.pspBody], freshIdempotencyKey: true },
    ),
  ];
  if (t.nest !== undefined) {
    const nestAuth = { authorization: `Bearer ${t.nest.token}` };
    steps.push(
      get(scenario.nestGet, `${t.nest.url}/v1/products/${t.nest.productId}`, nestAuth),
      post(
        scenario.nestPost,
        `${t.nest.url}/v1/orders`,
        { ...nestAuth, 'content-type': 'application/json' },
        {
          bodies: orderBodies([t.nest.productId]),
        },
      ),
    );
  }
  return steps;
}

/** The ratios of a run, each with its target or none. */
export function runRatios(rounds: Parameters<typeof ratio>[1], nestRan: boolean): Ratio[] {
  const ratios = [
    ratio('GET warm full chain / bare Fastify', rounds, scenario.get, scenario.bare, targets.get),
    ratio('304 revalidation / bare Fastify', rounds, scenario.revalidate, scenario.bare, targets.revalidate),
    ratio('GET cold (cache off) / bare Fastify + same SQL', rounds, scenario.cold, scenario.sql, targets.cold),
    ratio('POST orders / raw SQL', rounds, scenario.post, scenario.raw, targets.post),
    ratio('POST payments via service / psp-sim direct', rounds, scenario.pay, scenario.psp, undefined),
    ratio('payment replay p50 / GET cold p50', rounds, scenario.replay, scenario.cold, undefined, 'p50Ms'),
    ratio('payment replay p99 / GET cold p99', rounds, scenario.replay, scenario.cold, undefined, 'p99Ms'),
    ratio('payment replay rps / GET cold rps', rounds, scenario.replay, scenario.cold, undefined),
  ];
  if (nestRan) {
    ratios.push(
      ratio('GET warm / NestJS GET (equal connections)', rounds, scenario.get, scenario.nestGet, targets.aheadOfNest),
      ratio(
        'POST orders / NestJS POST (equal connections)',
        rounds,
        scenario.post,
        scenario.nestPost,
        targets.aheadOfNest,
      ),
      ratio('GET cold / NestJS GET (equal connections)', rounds, scenario.cold, scenario.nestGet, undefined),
    );
  }
  return ratios;
}
