// What serving /v1 through v2's handlers costs (ADR 0017), on the hot path GET /{v}/products/{id}:
//   1. the converter alone: µs per productToV1;
//   2. the body's path per version with the serializer the API scopes use (compiledZodSerializer): v2 serializes the
//      handler's object; v1 converts it, then serializes with v1's schema;
//   3. the whole request through Fastify (`inject`) with the real versions.ts scopes, /v1 (its
//      headers hook, its preSerialization converter, v1's schema) and /v2, interleaved rounds.
//      Noisy on a shared machine: read 1 and 2 for the adapter's own cost.
// Tight loops, batches of 50 000 (100 000 for 1), median after two warm-up batches. No database,
// no network. Prints one JSON object.
//   node bench/v1-compat-overhead.ts [--calls 5000] [--rounds 7]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { compiledZodSerializer } from '@keelson/kit/http';
import Fastify from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { operation } from '../services/checkout/src/adapters/http/operation.ts';
import { idParams, productSchema } from '../services/checkout/src/adapters/http/schemas.ts';
import { productToV1 } from '../services/checkout/src/adapters/http/v1-compat.ts';
import { productSchemaV1 } from '../services/checkout/src/adapters/http/v1-schemas.ts';
import { apiVersions } from '../services/checkout/src/adapters/http/versions.ts';
import { productToWire } from '../services/checkout/src/adapters/http/wire.ts';
import type { ProductState } from '../services/checkout/src/domain/product.ts';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '7' } },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);

const state = {
  id: 'prod_01JBENCH000000000000000000',
  tenantId: 'ten_bench',
  sku: 'sku-bench',
  name: 'Bench mug',
  unitAmount: 1250,
  currency: 'EUR',
  stock: 7,
  version: 3,
  createdAt: new Date('2026-12-07T00:00:00Z'),
  updatedAt: new Date('2026-12-07T00:00:00Z'),
} as unknown as ProductState; // Safe: the mapper reads only these fields; the brand is irrelevant here.
const v2 = productToWire(state);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function converterMicros(): number {
  const batch = 100_000;
  const perCall: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds + 2; round += 1) {
    const started = performance.now();
    for (let i = 0; i < batch; i += 1) sink += productToV1(v2).unit_amount;
    // The first two batches warm up the JIT.
    if (round >= 2) perCall.push(((performance.now() - started) * 1_000) / batch);
  }
  if (sink === -1) console.log('unreachable');
  return median(perCall);
}

type Serialize = (data: unknown) => string;

function serializerOf(schema: z.ZodType): Serialize {
  // The compiler the API scopes set (api.ts).
  return compiledZodSerializer({ schema });
}

/** µs per call of `run`, median of batches after two warm-up batches. */
function microsPerCall(run: () => number): number {
  const batch = 50_000;
  const perCall: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds + 2; round += 1) {
    const started = performance.now();
    for (let i = 0; i < batch; i += 1) sink += run();
    if (round >= 2) perCall.push(((performance.now() - started) * 1_000) / batch);
  }
  if (sink === -1) console.log('unreachable');
  return median(perCall);
}

/** The body's whole path per version: v2 serializes the handler's object, v1 converts it first. */
function serializationMicros() {
  const v2Serialize = serializerOf(productSchema);
  const v1Serialize = serializerOf(productSchemaV1);
  if (!v1Serialize(productToV1(v2)).includes('"unit_amount":1250')) throw new Error('not a v1 body');
  const v2Micros = microsPerCall(() => v2Serialize(v2).length);
  const v1Micros = microsPerCall(() => v1Serialize(productToV1(v2)).length);
  return { v2Micros, v1Micros };
}

/** The whole request through Fastify (`inject`), per version: noisy on a shared machine. */
async function injectMicros() {
  const route: FastifyPluginAsyncZod = async (fastify) => {
    fastify.get(
      '/products/:id',
      operation(
        { id: 'getProduct', tag: 'products', summary: 'Retrieve a product', scope: 'read', priority: 'read' },
        { params: idParams, response: { 200: productSchema } },
      ),
      async () => v2,
    );
  };
  const app = Fastify({ logger: false });
  for (const version of apiVersions) {
    await app.register(
      async (scope) => {
        version.install(scope);
        scope.setValidatorCompiler(validatorCompiler);
        scope.setSerializerCompiler(compiledZodSerializer);
        await scope.register(route);
      },
      { prefix: version.prefix },
    );
  }
  await app.ready();
  const check = await app.inject(`/v1/products/${v2.id}`);
  if (check.json().unit_amount !== 1250 || check.headers.deprecation === undefined) {
    throw new Error(`the v1 answer is not v1's: ${check.body}`);
  }
  const perVersion: Record<'/v1' | '/v2', number[]> = { '/v1': [], '/v2': [] };
  for (let round = 0; round < rounds + 1; round += 1) {
    for (const prefix of round % 2 === 0 ? (['/v2', '/v1'] as const) : (['/v1', '/v2'] as const)) {
      const started = performance.now();
      for (let i = 0; i < calls; i += 1) await app.inject(`${prefix}/products/${v2.id}`);
      // The first round warms up.
      if (round > 0) perVersion[prefix].push(((performance.now() - started) * 1_000) / calls);
    }
  }
  await app.close();
  return { v1: median(perVersion['/v1']), v2: median(perVersion['/v2']) };
}

const round2 = (value: number) => Math.round(value * 1_000) / 1_000;
const serialization = serializationMicros();
const inject = await injectMicros();
console.log(
  JSON.stringify(
    {
      node: process.version,
      cpu: os.cpus()[0]?.model,
      loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
      rounds,
      productToV1Micros: round2(converterMicros()),
      serializeV2Micros: round2(serialization.v2Micros),
      convertAndSerializeV1Micros: round2(serialization.v1Micros),
      injectCalls: calls,
      injectV2Micros: round2(inject.v2),
      injectV1Micros: round2(inject.v1),
    },
    null,
    2,
  ),
);
