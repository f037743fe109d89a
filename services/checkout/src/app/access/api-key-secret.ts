import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIdOf } from '@keelson/kit/ids';

/**
 * A presented key is `<key id>.<secret>`. The secret has 256 bits of entropy, so a single
 * SHA-256 is enough to store it (no slow KDF needed, unlike a human password), and the
 * per-request check stays cheap.
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of a presented secret against a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export function formatToken(keyId: string, secret: string): string {
  return `${keyId}.${secret}`;
}

// 32 random bytes in base64url, as `newSecret` makes them.
const secretPattern = /^[A-Za-z0-9_-]{43}$/;

export function parseToken(token: string): { keyId: string; secret: string } | undefined {
  const [keyId, secret, ...rest] = token.split('.');
  if (keyId === undefined || secret === undefined || rest.length > 0) return undefined;
  return isIdOf('key', keyId) && secretPattern.test(secret) ? { keyId, secret } : undefined;
}
