import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSecretBox } from '../../src/adapters/webhooks/secret-box.ts';

describe('webhook secret sealing', () => {
  const secret = 'whsec_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const box = createSecretBox('k'.repeat(32));
    const sealed = box.seal('we_1', secret);
    assert.match(sealed, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!sealed.includes(secret.slice(6)));
    assert.equal(box.open('we_1', sealed), secret);
    assert.notEqual(box.seal('we_1', secret), sealed, 'a fresh IV each time');
  });

  it('does not open under another key, for another endpoint, or when tampered with', () => {
    const box = createSecretBox('k'.repeat(32));
    const sealed = box.seal('we_1', secret);
    assert.throws(() => createSecretBox('j'.repeat(32)).open('we_1', sealed));
    assert.throws(() => box.open('we_2', sealed), 'bound to its endpoint');
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = `${data?.[0] === 'A' ? 'B' : 'A'}${data?.slice(1)}`;
    assert.throws(() => box.open('we_1', [v, iv, tag, flipped].join('.')));
    assert.throws(() => box.open('we_1', 'plain'), /unknown sealed format/);
  });

  it('reads its key only when first needed', () => {
    let reads = 0;
    const box = createSecretBox(() => {
      reads += 1;
      return 'k'.repeat(32);
    });
    assert.equal(reads, 0);
    assert.equal(box.open('we_1', box.seal('we_1', secret)), secret);
    assert.equal(reads, 1);
  });
});
