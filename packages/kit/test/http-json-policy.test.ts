import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHttpServer } from '../src/http/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

// The JSON body policy: malformed JSON is `invalid_json`; valid JSON that carries a key able
// to reach an object's prototype (`__proto__`, or `constructor` holding `prototype`) is a
// request we refuse on purpose, so it is `invalid_request` with an issue naming the key's
// path, and the handler never runs.

async function start(t: { after(fn: () => Promise<unknown>): void }) {
  const app = createHttpServer({ logger: captureLogs().logger });
  const handled: unknown[] = [];
  app.post('/things', async (request) => {
    handled.push(request.body);
    return { ok: true };
  });
  const base = await listen(app);
  t.after(() => app.close());
  const post = async (body: string) => {
    const response = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    // Every answer here is JSON: the handler's object or a problem document.
    const json = (await response.json()) as { code?: string; issues?: unknown };
    return { status: response.status, type: response.headers.get('content-type'), json };
  };
  return { post, handled };
}

const forbidden: ReadonlyArray<readonly [string, string]> = [
  ['{"sku":"a","name":"b","unit_amount":1,"currency":{"__proto__":null},"stock":1}', 'body.currency.__proto__'],
  ['{"__proto__":{"admin":true}}', 'body.__proto__'],
  ['{"\\u005f_proto__":1}', 'body.__proto__'], // an escaped spelling is the same key
  ['{"items":[{"a":1},{"constructor":{"prototype":{"x":1}}}]}', 'body.items.1.constructor.prototype'],
  ['[[{"ok":1}],[{"b":{"__proto__":[]}}]]', 'body.1.0.b.__proto__'],
];

for (const [body, path] of forbidden) {
  test(`valid JSON with a forbidden key is 400 invalid_request naming ${path}`, async (t) => {
    const { post, handled } = await start(t);
    const response = await post(body);
    assert.equal(response.status, 400);
    assert.equal(response.type, 'application/problem+json; charset=utf-8');
    assert.equal(response.json.code, 'invalid_request');
    assert.deepEqual(response.json.issues, [{ path, message: 'is a forbidden key' }]);
    assert.equal(handled.length, 0, 'the handler never ran');
  });
}

test('the first forbidden key in document order is the one named', async (t) => {
  const { post } = await start(t);
  const response = await post('{"a":{"b":{"__proto__":1}},"c":{"__proto__":2},"__proto__":3}');
  assert.deepEqual(response.json.issues, [{ path: 'body.a.b.__proto__', message: 'is a forbidden key' }]);
});

test('the same words as values, or a constructor without prototype, are ordinary JSON', async (t) => {
  const { post, handled } = await start(t);
  const bodies = [
    '{"name":"__proto__","note":"constructor.prototype"}',
    '{"constructor":{"name":"x"}}',
    '{"constructor":"prototype"}',
    '\uFEFF{"bom":true}', // a leading byte-order mark stays accepted, as Fastify's own parser does
  ];
  for (const body of bodies) assert.equal((await post(body)).status, 200, body);
  const expected: unknown[] = [
    { name: '__proto__', note: 'constructor.prototype' },
    { constructor: { name: 'x' } },
    { constructor: 'prototype' },
    { bom: true },
  ];
  assert.deepEqual(handled, expected);
});

test('malformed JSON stays invalid_json, however deep it goes', async (t) => {
  const { post } = await start(t);
  for (const body of ['{"__proto__":', '{"a":1,}', `${'['.repeat(100_000)}"__proto__"`]) {
    const response = await post(body);
    assert.equal(response.status, 400);
    assert.equal(response.json.code, 'invalid_json');
  }
});

test('deeply nested valid JSON with a forbidden key at the bottom is refused, not a crash', async (t) => {
  const { post } = await start(t);
  const depth = 50_000;
  const response = await post(`${'{"a":'.repeat(depth)}{"__proto__":1}${'}'.repeat(depth)}`);
  assert.equal(response.status, 400);
  assert.equal(response.json.code, 'invalid_request');
  const [issue] = response.json.issues as { path: string }[]; // a problem's issues, asserted above to exist
  assert.equal(issue?.path, `body.${'a.'.repeat(depth)}__proto__`);
});
