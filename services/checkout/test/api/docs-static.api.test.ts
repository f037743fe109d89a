// The /docs reference page's static files (served by @fastify/swagger-ui through
// @fastify/static): a file that is not there is a 404 problem, never a 405, whatever the
// path tries. The docs touch no data, so the embedded backend is enough.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const [embedded] = backends();

describe('the /docs static files', () => {
  const service = useTestService(embedded ?? assert.fail('the embedded backend is always listed'));

  it('serves a file that exists', async () => {
    const response = await fetch(`${service().apiUrl}/docs/static/swagger-ui.css`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  for (const path of ['/docs/static/missing.js', '/docs/static/..%2f..%2fpackage.json', '/docs/static/a/b']) {
    it(`GET ${path} is a 404 route_not_found problem`, async () => {
      const response = await fetch(`${service().apiUrl}${path}`);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('allow'), null);
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const problem = (await response.json()) as Record<string, unknown>; // a problem document per the content type
      assert.equal(problem.code, 'route_not_found');
      assert.equal(problem.request_id, response.headers.get('x-request-id'));
    });
  }

  it('another method on a static file is 405 with Allow', async () => {
    const response = await fetch(`${service().apiUrl}/docs/static/swagger-ui.css`, { method: 'DELETE' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
    await response.body?.cancel();
  });
});
