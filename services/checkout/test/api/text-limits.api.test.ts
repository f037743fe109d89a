// Text limits through the whole service (issue 5 item 9): lengths count Unicode code points,
// not UTF-16 units, and identifiers refuse control and format characters. Every rejection is
// a 400 invalid_request naming the field, and leaves the rows exactly as they were.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { paths } from '../generated/checkout-api.ts';
import { assertProblem, createExchangeLog, jsonBody, snapshotTenants } from '../support/api-checks.ts';
import { backends } from '../support/databases.ts';
import { type TestTenant, useTestService } from '../support/service.ts';

type NewProduct = paths['/v1/products']['post']['requestBody']['content']['application/json'];

const invalid = { status: 400, code: 'invalid_request' } as const;
// One code point, two UTF-16 units.
const emoji = '\u{1F600}';

function newProduct(fields: Partial<NewProduct> = {}): NewProduct {
  return { sku: `sku-${randomUUID()}`, name: 'Mug', unit_amount: 1250, currency: 'USD', stock: 10, ...fields };
}

for (const backend of backends()) {
  describe(`text limits on ${backend.name}`, () => {
    const service = useTestService(backend);
    const log = createExchangeLog();

    async function tenant(): Promise<TestTenant> {
      const created = await service().newTenant();
      created.api.use(log.middleware);
      return created;
    }

    async function tenantCount(): Promise<number> {
      const { rows } = await service().database.db.query<{ n: number }>(
        { deadline: Date.now() + 5_000 },
        'SELECT count(*)::int AS n FROM tenants',
      );
      return rows[0]?.n ?? 0;
    }

    async function assertIssueAt(seller: TestTenant, body: unknown, path: string): Promise<void> {
      const before = await snapshotTenants(service().database.db, [seller.tenantId]);
      const problem = assertProblem(log, await seller.api.POST('/v1/products', jsonBody(body)), invalid);
      const paths = (problem.issues ?? []).map((issue) => issue.path);
      assert.ok(paths.includes(path), `expected an issue at ${path}, got ${JSON.stringify(problem)}`);
      assert.deepEqual(await snapshotTenants(service().database.db, [seller.tenantId]), before, 'rows changed');
    }

    describe('POST /v1/products: lengths count code points', () => {
      it('a sku of 60 emoji (120 UTF-16 units) is accepted and stored as sent', async () => {
        const seller = await tenant();
        const sku = emoji.repeat(60);
        const { data, response } = await seller.api.POST('/v1/products', { body: newProduct({ sku }) });
        assert.equal(response.status, 201, JSON.stringify(data));
        assert.equal(data?.sku, sku);
      });

      it('a sku of 100 emoji and a name of 200 emoji (the limits) are accepted', async () => {
        const seller = await tenant();
        const body = newProduct({ sku: emoji.repeat(100), name: emoji.repeat(200) });
        const { data, response } = await seller.api.POST('/v1/products', { body });
        assert.equal(response.status, 201, JSON.stringify(data));
        assert.deepEqual([data?.sku, data?.name], [body.sku, body.name]);
      });

      for (const [label, sku] of [
        ['101 ASCII characters', 'a'.repeat(101)],
        ['101 emoji', emoji.repeat(101)],
      ] as const) {
        it(`a sku of ${label} (101 code points) → 400 invalid_request, nothing written`, async () => {
          await assertIssueAt(await tenant(), newProduct({ sku }), 'body.sku');
        });
      }

      it('a name of 201 emoji → 400 invalid_request, nothing written', async () => {
        await assertIssueAt(await tenant(), newProduct({ name: emoji.repeat(201) }), 'body.name');
      });
    });

    describe('POST /v1/products: a sku is an identifier', () => {
      const refused: readonly (readonly [string, string])[] = [
        ['only zero-width spaces', '\u200B\u200B\u200B'],
        ['a zero-width space inside', 'MUG\u200B01'],
        ['a newline', 'MUG\n01'],
        ['a trailing newline', 'MUG-01\n'],
        ['a tab', 'MUG\t01'],
        ['a right-to-left override (U+202E)', 'MUG\u202E10'],
        ['a byte-order mark', '\uFEFFMUG-01'],
        ['a DEL', 'MUG\u007F01'],
        ['a line separator (U+2028)', 'MUG\u202801'],
      ];
      for (const [label, sku] of refused) {
        it(`a sku with ${label} → 400 invalid_request, nothing written`, async () => {
          await assertIssueAt(await tenant(), newProduct({ sku }), 'body.sku');
        });
      }

      it('a sku of only spaces → 400 invalid_request at body.sku, nothing written', async () => {
        await assertIssueAt(await tenant(), newProduct({ sku: '   ' }), 'body.sku');
      });
    });

    describe('product names are free text without control characters', () => {
      it('a name with inner spaces, an emoji ZWJ sequence and a soft hyphen is accepted', async () => {
        const seller = await tenant();
        const name = 'Family mug \u{1F468}\u200D\u{1F469}\u200D\u{1F467} extra\u00ADlarge';
        const { data, response } = await seller.api.POST('/v1/products', { body: newProduct({ name }) });
        assert.equal(response.status, 201, JSON.stringify(data));
        assert.equal(data?.name, name);
      });

      for (const [label, name] of [
        ['a newline', 'Mug\nLarge'],
        ['a right-to-left override (U+202E)', 'Mug \u202Egral'],
        ['only zero-width spaces', '\u200B\u200B'],
      ] as const) {
        it(`a name with ${label} → 400 invalid_request on create and on PATCH, nothing written`, async () => {
          const seller = await tenant();
          await assertIssueAt(seller, newProduct({ name }), 'body.name');
          const created = await seller.api.POST('/v1/products', { body: newProduct() });
          assert.ok(created.data);
          const id = created.data.id;
          const before = await snapshotTenants(service().database.db, [seller.tenantId]);
          const patched = await seller.api.PATCH('/v1/products/{id}', {
            params: { path: { id } },
            ...jsonBody({ name, version: 1 }),
          });
          assertProblem(log, patched, invalid);
          assert.deepEqual(await snapshotTenants(service().database.db, [seller.tenantId]), before);
        });
      }
    });

    describe('POST /admin/tenants: tenant names follow the same rules as product names', () => {
      it('a name of 200 emoji is accepted; 201 emoji is 400 invalid_request and creates no tenant', async () => {
        const accepted = await service().admin('POST', '/tenants', { name: emoji.repeat(200) });
        assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
        assert.equal(accepted.body.name, emoji.repeat(200));
        const before = await tenantCount();
        const refused = await service().admin('POST', '/tenants', { name: emoji.repeat(201) });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.code, 'invalid_request');
        assert.equal(await tenantCount(), before);
      });

      for (const [label, name] of [
        ['a newline', 'Acme\nCorp'],
        ['a right-to-left override (U+202E)', 'Acme \u202Eproc'],
        ['only zero-width spaces', '\u200B\u200B'],
      ] as const) {
        it(`a name with ${label} → 400 invalid_request, no tenant created`, async () => {
          const before = await tenantCount();
          const refused = await service().admin('POST', '/tenants', { name });
          assert.equal(refused.status, 400, JSON.stringify(refused.body));
          assert.equal(refused.body.code, 'invalid_request');
          assert.equal(await tenantCount(), before);
        });
      }
    });
  });
}
