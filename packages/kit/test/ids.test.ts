import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIdGenerator, isIdOf } from '../src/ids/index.ts';

// Crockford base32, the ULID alphabet: no I, L, O or U.
const idShape = /^ord_[0-9A-HJKMNP-TV-Z]{26}$/;

test('an id is the prefix, an underscore and a 26-character ULID', () => {
  const newId = createIdGenerator();
  const id = newId('ord');
  assert.match(id, idShape);
  assert.ok(isIdOf('ord', id), id);
});

test('isIdOf rejects the wrong prefix, lowercase, the wrong length and non-Crockford letters', () => {
  const id = createIdGenerator()('ord');
  const ulid = id.slice('ord_'.length);
  const withLetter = (letter: string): string => `ord_${letter}${ulid.slice(1)}`;

  assert.equal(isIdOf('pay', id), false, 'other prefix');
  assert.equal(isIdOf('or', id), false, 'prefix of the prefix');
  assert.equal(isIdOf('ord', `x${id}`), false, 'text before the prefix');
  assert.equal(isIdOf('ord', `ord-${ulid}`), false, 'dash instead of underscore');
  assert.equal(isIdOf('ord', ulid), false, 'no prefix at all');
  assert.equal(isIdOf('ord', `ord_${ulid.toLowerCase()}`), false, 'lowercase');
  assert.equal(isIdOf('ord', id.slice(0, -1)), false, '25 characters');
  assert.equal(isIdOf('ord', `${id}0`), false, '27 characters');
  assert.equal(isIdOf('ord', `${id}\n`), false, 'trailing newline');
  for (const letter of ['I', 'L', 'O', 'U']) {
    assert.equal(isIdOf('ord', withLetter(letter)), false, `contains ${letter}`);
  }
  // The same position with a valid letter is accepted, so the rejections above are about the letter.
  assert.equal(isIdOf('ord', withLetter('0')), true);
});

test('10 000 ids minted in a tight loop are unique and sort in minting order', () => {
  const newId = createIdGenerator();
  const ids = Array.from({ length: 10_000 }, () => newId('ord'));

  assert.equal(new Set(ids).size, ids.length);
  // Strictly increasing in plain code-unit order, which is what `ORDER BY id` on a C-collated
  // column does. Reports the first offender rather than diffing 10 000 lines.
  const outOfOrder = ids.findIndex((id, i) => i > 0 && id <= (ids[i - 1] ?? ''));
  assert.equal(outOfOrder, -1, `id #${outOfOrder} ${ids[outOfOrder]} does not sort after ${ids[outOfOrder - 1]}`);
  // ULID's first 10 characters are the millisecond: if no two ids shared one, the
  // monotonic part (ordering within a millisecond) would not have been exercised.
  const milliseconds = new Set(ids.map((id) => id.slice('ord_'.length, 'ord_'.length + 10)));
  assert.ok(milliseconds.size < ids.length, 'every id was minted in its own millisecond');
});

test('separate generators (separate random pools) mint different ids, even in one millisecond', () => {
  // Each generator draws its ULID randomness from its own pool of CSPRNG bytes: an unfilled or
  // shared pool would repeat the random part, and ids minted in the same millisecond would collide.
  const ids = Array.from({ length: 1_000 }, () => createIdGenerator()('ord'));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(new Set(ids.map((id) => id.slice(-16))).size, ids.length, 'the random parts differ');
});
