// The admin port's profiles (issue 10 §4): Go's /debug/pprof paths, pprof files, and the same
// token as the admin API (a profile shows code and the shapes of data).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const embedded = backends().filter((b) => b.name === 'pglite');

for (const backend of embedded) {
  describe(`admin pprof on ${backend.name}`, () => {
    const service = useTestService(backend);

    it('refuses a caller without the admin token, as the admin API does', async () => {
      for (const path of ['/debug/pprof/heap', '/debug/pprof/profile?seconds=1']) {
        for (const authorization of [undefined, 'Bearer wrong-token']) {
          const refused = await fetch(`${service().adminUrl}${path}`, {
            headers: authorization === undefined ? {} : { authorization },
          });
          assert.equal(refused.status, 401, `${path} with ${authorization}`);
          assert.equal(((await refused.json()) as { code?: unknown }).code, 'invalid_api_key');
        }
      }
    });

    it('answers CPU and heap profiles in pprof format to the admin token', async () => {
      const headers = { authorization: `Bearer ${service().adminToken}` };
      for (const [path, sampleType] of [
        ['/debug/pprof/profile?seconds=1', 'wall'],
        ['/debug/pprof/heap', 'space'],
      ] as const) {
        const response = await fetch(`${service().adminUrl}${path}`, { headers });
        assert.equal(response.status, 200, path);
        const file = Buffer.from(await response.arrayBuffer());
        assert.match(gunzipSync(file).toString('latin1'), new RegExp(sampleType), path);
      }
    });
  });
}
