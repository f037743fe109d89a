import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../src/context/index.ts';
import { createHttpServer, decideTimeout } from '../src/http/index.ts';
import { captureLogs, deferred, listen, waitFor } from './http-test-support.ts';

const policy = { defaultTimeoutMs: 5_000, maxTimeoutMs: 30_000 };
const now = Date.parse('2030-01-01T00:00:00Z');

test('decideTimeout: the default without a header, capped by the maximum', () => {
  assert.deepEqual(decideTimeout(undefined, policy, now), { ok: true, timeoutMs: 5_000 });
  assert.deepEqual(decideTimeout(undefined, { defaultTimeoutMs: 60_000, maxTimeoutMs: 30_000 }, now), {
    ok: true,
    timeoutMs: 30_000,
  });
});

test('decideTimeout: a header sets the budget, never beyond the maximum', () => {
  assert.deepEqual(decideTimeout('2030-01-01T00:00:01.500Z', policy, now), { ok: true, timeoutMs: 1_500 });
  assert.deepEqual(decideTimeout('2030-01-01T01:00:10+01:00', policy, now), { ok: true, timeoutMs: 10_000 });
  assert.deepEqual(decideTimeout('2030-01-01T00:00:20Z', policy, now), { ok: true, timeoutMs: 20_000 });
  assert.deepEqual(decideTimeout('2031-01-01T00:00:00Z', policy, now), { ok: true, timeoutMs: 30_000 });
});

test('decideTimeout: a deadline at or before arrival is deadline_exceeded', () => {
  for (const header of ['2030-01-01T00:00:00Z', '2029-12-31T23:59:59.999Z']) {
    const decision = decideTimeout(header, policy, now);
    assert.equal(decision.ok, false);
    assert.equal(decision.ok ? '' : decision.error.code, 'deadline_exceeded');
  }
});

test('decideTimeout: anything but an RFC 3339 timestamp is invalid_request', () => {
  for (const header of [
    '',
    'tomorrow',
    '1893456000000',
    '2030-01-01',
    '2030-01-01T00:00:00',
    '2030-13-01T00:00:00Z',
    'Tue, 01 Jan 2030 00:00:00 GMT',
  ]) {
    const decision = decideTimeout(header, policy, now);
    assert.equal(decision.ok ? 'ok' : decision.error.code, 'invalid_request', header);
  }
});

test('decideTimeout: a well-formed but impossible date or time is invalid_request, not rolled over', () => {
  const early = Date.parse('2020-01-01T00:00:00Z'); // so every valid case below lies ahead
  for (const header of [
    '2030-02-30T00:00:00Z', // Date.parse would roll this over to 2 March
    '2030-04-31T00:00:00Z',
    '2027-02-29T00:00:00Z', // 2027 is not a leap year
    '2100-02-29T00:00:00Z', // divisible by 100, not by 400
    '2030-00-10T00:00:00Z',
    '2030-01-00T00:00:00Z',
    '2030-01-32T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T00:60:00Z',
    '2030-01-01T00:00:61Z',
    '2030-01-01T12:00:60Z', // a leap second only ever ends a UTC day
    '2030-01-15T23:59:60Z', // ... and only the last day of a month
    '2030-01-01T00:00:00+25:00',
    '2030-01-01T00:00:00-00:60',
  ]) {
    const decision = decideTimeout(header, { defaultTimeoutMs: 1, maxTimeoutMs: 1 }, early);
    assert.equal(decision.ok ? 'ok' : decision.error.code, 'invalid_request', header);
  }
});

test('decideTimeout: leap days, offsets and a month-end leap second are valid', () => {
  const early = Date.parse('2020-01-01T00:00:00Z');
  const wide = { defaultTimeoutMs: 1, maxTimeoutMs: Number.MAX_SAFE_INTEGER };
  const budget = (header: string) => {
    const decision = decideTimeout(header, wide, early);
    return decision.ok ? decision.timeoutMs : decision.error.code;
  };
  const until = (iso: string) => Date.parse(iso) - early;
  assert.equal(budget('2028-02-29T00:00:00Z'), until('2028-02-29T00:00:00Z'));
  assert.equal(budget('2000-02-29T12:00:00Z'), 'deadline_exceeded', 'valid (2000 is a leap year), just past');
  assert.equal(budget('2030-01-01T23:59:59.5-23:59'), until('2030-01-02T23:58:59.500Z'));
  assert.equal(budget('2030-06-30t23:59:60z'), until('2030-07-01T00:00:00Z'), 'counted as POSIX clocks do');
  assert.equal(budget('2030-12-31T15:59:60-08:00'), until('2031-01-01T00:00:00Z'));
  assert.equal(budget('2030-01-01T00:00:00.123456789Z'), until('2030-01-01T00:00:00.123Z'));
});

test('decideTimeout: every real day of a leap and a common year agrees with the instant Date.parse gives', () => {
  const zero = { defaultTimeoutMs: 1, maxTimeoutMs: Number.MAX_SAFE_INTEGER };
  const early = Date.parse('2020-01-01T00:00:00Z');
  for (let day = Date.parse('2027-01-01T00:00:00Z'); day < Date.parse('2029-01-01T00:00:00Z'); day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    for (const [time, offset] of [
      ['00:00:00', 'Z'],
      ['23:59:59.999', '+05:30'],
      ['07:08:09', '-11:45'],
    ] as const) {
      const header = `${date}T${time}${offset}`;
      const decision = decideTimeout(header, zero, early);
      assert.deepEqual(decision, { ok: true, timeoutMs: Date.parse(header) - early }, header);
    }
  }
});

async function startRecording(t: { after(fn: () => Promise<unknown>): void }) {
  const logs = captureLogs();
  const app = createHttpServer({ logger: logs.logger, defaultTimeoutMs: 2_000, maxTimeoutMs: 10_000 });
  const seen: RequestContext[] = [];
  const abortedInHandler: boolean[] = [];
  const handler = async (request: FastifyRequest) => {
    seen.push(request.ctx);
    abortedInHandler.push(request.ctx.signal.aborted);
    return { ok: true };
  };
  app.get('/work', handler);
  app.post('/work', handler);
  const base = await listen(app);
  t.after(() => app.close());
  return { base, seen, abortedInHandler };
}

test('a deadline already past is a 504 before the handler or the body parser runs', async (t) => {
  const { base, seen } = await startRecording(t);
  const headers = {
    'x-request-deadline': new Date(Date.now() - 1_000).toISOString(),
    'content-type': 'application/json',
  };
  for (const init of [{ headers }, { method: 'POST', headers, body: '{not json' }]) {
    const response = await fetch(`${base}/work`, init);
    assert.equal(response.status, 504);
    assert.equal(((await response.json()) as { code: string }).code, 'deadline_exceeded'); // problem document
  }
  assert.equal(seen.length, 0, 'the handler never ran');
});

test('a malformed deadline is a 400 invalid_request and the handler does not run', async (t) => {
  const { base, seen } = await startRecording(t);
  for (const header of ['in five minutes', '2030-02-30T00:00:00Z', '2030-01-01T00:00:00+25:00']) {
    const response = await fetch(`${base}/work`, { headers: { 'x-request-deadline': header } });
    assert.equal(response.status, 400, header);
    assert.equal(((await response.json()) as { code: string }).code, 'invalid_request', header); // problem document
  }
  assert.equal(seen.length, 0);
});

test('request.ctx carries the deadline: default, shortened, capped', async (t) => {
  const { base, seen } = await startRecording(t);
  const withHeader = async (header?: string): Promise<{ before: number; after: number }> => {
    const before = Date.now();
    const response = await fetch(
      `${base}/work`,
      header === undefined ? {} : { headers: { 'x-request-deadline': header } },
    );
    assert.equal(response.status, 200);
    await response.body?.cancel();
    return { before, after: Date.now() };
  };
  const plain = await withHeader();
  const shortDeadline = new Date(Date.now() + 1_000);
  await withHeader(shortDeadline.toISOString());
  const capped = await withHeader(new Date(Date.now() + 3_600_000).toISOString());

  const [first, second, third] = seen;
  assert.ok(first && second && third);
  assert.ok(first.deadline >= plain.before + 2_000 && first.deadline <= plain.after + 2_000);
  assert.equal(second.deadline, shortDeadline.getTime());
  assert.ok(third.deadline >= capped.before + 10_000 && third.deadline <= capped.after + 10_000);
});

test('ctx.signal is still live in the handler after the body was read', async (t) => {
  const { base, abortedInHandler } = await startRecording(t);
  const body = JSON.stringify({ payload: 'x'.repeat(100_000) });
  const response = await fetch(`${base}/work`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(response.status, 200);
  assert.deepEqual(abortedInHandler, [false]);
});

test('ctx.signal aborts at the deadline', async (t) => {
  const logs = captureLogs();
  const app = createHttpServer({ logger: logs.logger, defaultTimeoutMs: 50 });
  app.get('/wait', async (request) => {
    await once(request.ctx.signal, 'abort');
    const reason: unknown = request.ctx.signal.reason;
    return { reason: reason instanceof Error ? reason.name : String(reason) };
  });
  const base = await listen(app);
  t.after(() => app.close());
  assert.deepEqual(await (await fetch(`${base}/wait`)).json(), { reason: 'TimeoutError' });
});

test('ctx.signal aborts when the client goes away, logged as 499', async (t) => {
  const logs = captureLogs();
  const app = createHttpServer({ logger: logs.logger, defaultTimeoutMs: 10_000 });
  const started = deferred();
  const aborted = deferred<boolean>();
  app.get('/hang', async (request) => {
    started.resolve();
    await once(request.ctx.signal, 'abort');
    aborted.resolve(Date.now() < request.ctx.deadline);
    return { late: true };
  });
  const base = await listen(app);
  t.after(() => app.close());
  const client = new AbortController();
  const pending = fetch(`${base}/hang`, { signal: client.signal });
  await started.promise;
  client.abort();
  await assert.rejects(pending);
  assert.equal(await aborted.promise, true, 'aborted by the disconnect, before the deadline');
  await waitFor(() => logs.accessLines().length === 1, 'the access-log line');
  assert.equal(logs.accessLines()[0]?.status, 499);
});
