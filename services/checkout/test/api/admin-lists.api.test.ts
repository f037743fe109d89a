// GET /admin/tenants and GET /admin/keys through the whole service (issue 6 §5): the public
// lists' paging and envelope, names that may repeat, and keys listed without any secret.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type {
  ApiKeyWire,
  CreatedApiKeyWire,
  ListWire,
  RevokedApiKeyWire,
  TenantWire,
} from '../../src/adapters/http/admin.wire.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const keyFields = ['object', 'id', 'tenant_id', 'scopes', 'plan', 'created_at', 'revoked_at'];

for (const backend of backends()) {
  describe(`admin lists on ${backend.name}`, () => {
    const service = useTestService(backend);

    async function call<T>(method: 'GET' | 'POST', path: string, status: number, body?: unknown): Promise<T> {
      const response = await service().admin(method, path, body);
      assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.body)}`);
      // The status is the one these routes answer with the admin.wire.ts shape T.
      return response.body as T;
    }

    const tenantNamed = (name: string) => call<TenantWire>('POST', '/tenants', 201, { name });
    const list = <T>(path: string) => call<ListWire<T>>('GET', path, 200);

    async function key(tenantId: string, scopes: readonly string[]): Promise<ApiKeyWire & { token: string }> {
      const { token, ...created } = await call<CreatedApiKeyWire>('POST', '/keys', 201, {
        tenant_id: tenantId,
        scopes,
      });
      return { ...created, revoked_at: null, token };
    }

    it('GET /admin/tenants pages newest first; a repeated name makes a second tenant, both listed', async () => {
      const name = `Twin ${randomUUID()}`;
      const older = await tenantNamed(name);
      const newer = await tenantNamed(name);

      const byName = await list<TenantWire>(`/tenants?name=${encodeURIComponent(` ${name} `)}`);
      const first = await list<TenantWire>('/tenants?limit=1');
      const next = await list<TenantWire>(`/tenants?limit=1&starting_after=${newer.id}`);

      assert.notEqual(older.id, newer.id);
      assert.deepEqual(byName, { object: 'list', data: [newer, older], has_more: false });
      // Tests in this file run one after another, so the newest tenant is the one just made.
      assert.deepEqual(first, { object: 'list', data: [newer], has_more: true });
      assert.deepEqual(next.data, [older]);
    });

    it("GET /admin/keys?tenant_id= pages one tenant's keys with revoked_at, never a token or hash", async () => {
      const tenant = await tenantNamed('Keys Inc');
      const { token: tokenA, ...a } = await key(tenant.id, ['read']);
      const { token: tokenB, ...b } = await key(tenant.id, ['admin']);
      const { token: tokenC, ...c } = await key(tenant.id, ['read', 'write']);
      const { revoked_at } = await call<RevokedApiKeyWire>('POST', `/keys/${b.id}/revoke`, 200);

      const first = await list<ApiKeyWire>(`/keys?tenant_id=${tenant.id}&limit=2`);
      const second = await list<ApiKeyWire>(`/keys?tenant_id=${tenant.id}&limit=2&starting_after=${b.id}`);
      const all = await list<ApiKeyWire>('/keys?limit=3');

      assert.deepEqual(first, { object: 'list', data: [c, { ...b, revoked_at }], has_more: true });
      assert.deepEqual(second, { object: 'list', data: [a], has_more: false });
      // Unfiltered, every tenant's keys: nothing is newer than the keys just made.
      assert.deepEqual(all.data, [...first.data, ...second.data]);
      for (const listed of all.data) assert.deepEqual(Object.keys(listed), keyFields);
      const text = JSON.stringify([first, second, all]);
      for (const token of [tokenA, tokenB, tokenC]) assert.equal(text.includes(token.split('.')[1] ?? token), false);
    });

    for (const [path, status, code] of [
      ['/keys?tenant_id=ten_01J00000000000000000000000', 404, 'tenant_not_found'],
      ['/keys?starting_after=key_01J00000000000000000000000', 400, 'invalid_cursor'],
      ['/keys?starting_after=ten_01J00000000000000000000000', 400, 'invalid_cursor'],
      ['/tenants?starting_after=nope', 400, 'invalid_cursor'],
      ['/tenants?limit=0', 400, 'invalid_request'],
      ['/tenants?limit=101', 400, 'invalid_request'],
      ['/keys?limit=ten', 400, 'invalid_request'],
      ['/tenants?name=%0A', 400, 'invalid_request'],
      ['/tenants?tenant_id=ten_01J00000000000000000000000', 400, 'invalid_request'],
    ] as const) {
      it(`GET /admin${path} → ${status} ${code}`, async () => {
        const response = await service().admin('GET', path);
        assert.deepEqual([response.status, response.body.code], [status, code], JSON.stringify(response.body));
      });
    }

    it('the lists need the admin token', async () => {
      for (const path of ['/admin/tenants', '/admin/keys']) {
        const response = await fetch(`${service().adminUrl}${path}`);
        assert.equal(response.status, 401, path);
      }
    });
  });
}
