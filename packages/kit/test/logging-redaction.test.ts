import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../src/logging/index.ts';

function capture(options: { base?: Record<string, unknown>; redact?: readonly string[] } = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }; // one JSON object per line
  return { logger: createLogger({ level: 'info', destination, ...options }), lines };
}

test('authorization headers, cookies and secret-looking fields are redacted', () => {
  const { logger, lines } = capture();
  logger.info(
    {
      req: { method: 'GET', headers: { authorization: 'Bearer sk_live_1', cookie: 'sid=1', accept: 'json' } },
      body: { password: 'hunter2', token: 'tok', sku: 'A-1' },
      config: { secret: 's3cr3t' },
      token: 'top-level',
    },
    'login',
  );
  const line = lines[0] ?? {};
  assert.deepEqual(line.req, {
    method: 'GET',
    headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', accept: 'json' },
  });
  assert.deepEqual(line.body, { password: '[REDACTED]', token: '[REDACTED]', sku: 'A-1' });
  assert.deepEqual(line.config, { secret: '[REDACTED]' });
  assert.equal(line.token, '[REDACTED]');
  assert.doesNotMatch(JSON.stringify(lines), /sk_live_1|hunter2|s3cr3t|sid=1/);
});

test('lines carry a string level, an ISO time, the base fields and extra redactions', () => {
  const { logger, lines } = capture({ base: { service: 'checkout' }, redact: ['card.number'] });
  logger.warn({ card: { number: '4242424242424242', last4: '4242' } }, 'paid');
  const line = lines[0] ?? {};
  assert.equal(line.level, 'warn');
  assert.match(String(line.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(line.service, 'checkout');
  assert.equal(line.pid, undefined, 'base replaces the default pid/hostname');
  assert.deepEqual(line.card, { number: '[REDACTED]', last4: '4242' });
});

test('levels below the threshold are not written', () => {
  const { logger, lines } = capture();
  logger.debug('noise');
  assert.equal(lines.length, 0);
});
