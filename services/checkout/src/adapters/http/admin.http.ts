import { timingSafeEqual } from 'node:crypto';
import type { Migrator } from '@keelson/kit/db';
import { AppError } from '@keelson/kit/errors';
import { compiledZodSerializer } from '@keelson/kit/http';
import { type Profiler, registerPprofRoutes } from '@keelson/kit/profiling';
import type { FastifyInstance } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../app/application.ts';
import { defaultScopes, scopes, tenantNameText } from '../../domain/access.ts';
import {
  keyListToWire,
  keyToWire,
  ledgerReportToWire,
  reconcileReportToWire,
  republishToWire,
  revokedKeyToWire,
  tenantListToWire,
  tenantToWire,
} from './admin.wire.ts';
import { bearerToken } from './authenticate.hook.ts';
import { deadLetterRoutes } from './dead-letters.admin.http.ts';
import { objectId, pageQuery, text } from './schemas.ts';
import { pageRequest } from './wire.ts';

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(bearerToken(header) ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Checked against the configured plans by the use case (`unknown_plan` names them). */
const planName = z.string().min(1).max(64);

const scopeList = z
  .array(z.enum(scopes))
  .min(1)
  .default([...defaultScopes]);

/** The composition's defaults for the payment upkeep routes (from config). */
export interface PaymentUpkeepDefaults {
  readonly reconcile: { readonly minAgeMs: number; readonly limit: number };
  readonly overdueAfterMs: number;
}

const reconcileBody = z
  .strictObject({
    min_age_ms: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(1_000).optional(),
  })
  // No body at all reads as null: every option then takes its default.
  .nullish();

function adminRoutes(app: Application, migrator: Migrator, upkeep: PaymentUpkeepDefaults): FastifyPluginAsyncZod {
  return async (admin) => {
    admin.post(
      '/tenants',
      { schema: { body: z.strictObject({ name: text(tenantNameText) }) } },
      async (request, reply) =>
        reply.code(201).send(tenantToWire(await app.access.createTenant(request.ctx, { name: request.body.name }))),
    );
    admin.post(
      '/keys',
      { schema: { body: z.strictObject({ tenant_id: objectId, scopes: scopeList, plan: planName.optional() }) } },
      async (request, reply) => {
        const { tenant_id, scopes: requested, plan } = request.body;
        const key = await app.access.createApiKey(request.ctx, { tenantId: tenant_id, scopes: requested, plan });
        return reply.code(201).send(keyToWire(key));
      },
    );
    admin.get(
      '/tenants',
      { schema: { querystring: z.strictObject({ ...pageQuery, name: text(tenantNameText).optional() }) } },
      async (request) => {
        const { name } = request.query;
        const filter = { ...pageRequest(request.query), ...(name === undefined ? {} : { name }) };
        return tenantListToWire(await app.access.listTenants(request.ctx, filter));
      },
    );
    admin.get(
      '/keys',
      { schema: { querystring: z.strictObject({ ...pageQuery, tenant_id: objectId.optional() }) } },
      async (request) => {
        const { tenant_id } = request.query;
        const filter = { ...pageRequest(request.query), ...(tenant_id === undefined ? {} : { tenantId: tenant_id }) };
        return keyListToWire(await app.access.listApiKeys(request.ctx, filter));
      },
    );
    admin.post('/keys/:id/revoke', { schema: { params: z.strictObject({ id: objectId }) } }, async (request) =>
      revokedKeyToWire(await app.access.revokeApiKey(request.ctx, { keyId: request.params.id })),
    );
    admin.get('/migrations', async () => migrator.status());
    admin.post('/payments/reconcile', { schema: { body: reconcileBody } }, async (request) => {
      const report = await app.commands.reconcilePayments(request.ctx, {
        minAgeMs: request.body?.min_age_ms ?? upkeep.reconcile.minAgeMs,
        limit: request.body?.limit ?? upkeep.reconcile.limit,
      });
      return reconcileReportToWire(report);
    });
    admin.post(
      '/outbox/republish',
      { schema: { body: z.strictObject({ from: z.string().min(1).max(100), to: z.string().min(1).max(100) }) } },
      async (request) =>
        republishToWire(
          await app.commands.republishEvents(request.ctx, { fromId: request.body.from, toId: request.body.to }),
        ),
    );
    // 200 either way: a ledger that disagrees is the report's finding, not a failed request.
    admin.get('/ledger/verify', async (request) =>
      ledgerReportToWire(await app.queries.verifyLedger(request.ctx, { pendingOlderThanMs: upkeep.overdueAfterMs })),
    );
  };
}

/** The admin API (`/admin/*` on the admin port), guarded by the admin bearer token. */
export async function registerAdminApi(
  fastify: FastifyInstance,
  deps: {
    app: Application;
    migrator: Migrator;
    adminToken: string;
    upkeep: PaymentUpkeepDefaults;
    profiler: Profiler;
  },
): Promise<void> {
  const guard = async (request: { readonly headers: { readonly authorization?: string | undefined } }) => {
    if (!tokenMatches(request.headers.authorization, deps.adminToken)) {
      throw new AppError('unauthenticated', 'invalid_api_key', 'The admin API needs the admin token.');
    }
  };
  await fastify.register(
    async (admin) => {
      admin.setValidatorCompiler(validatorCompiler);
      admin.setSerializerCompiler(compiledZodSerializer);
      admin.addHook('onRequest', guard);
      await admin.register(adminRoutes(deps.app, deps.migrator, deps.upkeep));
      await admin.register(deadLetterRoutes(deps.app));
    },
    { prefix: '/admin' },
  );
  // Go's paths (/debug/pprof/*), behind the same token: a profile shows code and data shapes.
  await fastify.register(async (debug) => {
    debug.addHook('onRequest', guard);
    registerPprofRoutes(debug, deps.profiler);
  });
}
