import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signWebhookPayload, verifyWebhookSignature } from '../src/webhooks/index.ts';

const body = '{"id":"evt_1","object":"event","type":"order.paid"}';
const t = 1_700_000_000;

describe('webhook signatures', () => {
  it('signs t=<unix>,v1=<hex hmac-sha256 of "<t>.<body>"> as an independent HMAC computes it', () => {
    const header = signWebhookPayload(['whsec_a'], body, t);
    const expected = createHmac('sha256', 'whsec_a').update(`${t}.${body}`).digest('hex');
    assert.equal(header, `t=${t},v1=${expected}`);
    assert.equal(verifyWebhookSignature('whsec_a', header, body, 300, t), 'ok');
    assert.equal(verifyWebhookSignature('whsec_a', header, Buffer.from(body), 300, t), 'ok');
  });

  it('accepts any of several v1 entries (rotation overlap), each secret on its own', () => {
    const header = signWebhookPayload(['whsec_new', 'whsec_old'], body, t);
    assert.equal(header.split(',').length, 3);
    assert.equal(verifyWebhookSignature('whsec_new', header, body, 300, t), 'ok');
    assert.equal(verifyWebhookSignature('whsec_old', header, body, 300, t), 'ok');
    assert.equal(verifyWebhookSignature('whsec_other', header, body, 300, t), 'mismatch');
  });

  it('refuses a changed body, a stale or future timestamp, and malformed headers', () => {
    const header = signWebhookPayload(['whsec_a'], body, t);
    assert.equal(verifyWebhookSignature('whsec_a', header, `${body} `, 300, t), 'mismatch');
    assert.equal(verifyWebhookSignature('whsec_a', header, body, 300, t + 301), 'stale');
    assert.equal(verifyWebhookSignature('whsec_a', header, body, 300, t - 301), 'stale');
    assert.equal(verifyWebhookSignature('whsec_a', header, body, 300, t + 300), 'ok');
    // A timestamp moved forward with the old signature kept does not verify.
    const moved = header.replace(`t=${t}`, `t=${t + 10}`);
    assert.equal(verifyWebhookSignature('whsec_a', moved, body, 300, t), 'mismatch');
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`, `t=${t},v1=zz`]) {
      assert.equal(verifyWebhookSignature('whsec_a', bad, body, 300, t), 'malformed', String(bad));
    }
  });

  it('needs at least one secret to sign', () => {
    assert.throws(() => signWebhookPayload([], body, t), TypeError);
  });
});
