import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Stripe-looking object id: `pi_` + 24 base62 characters (a modulo bias is fine for ids). */
export function newId(prefix: string, length = 24): string {
  let id = `${prefix}_`;
  for (const byte of randomBytes(length)) id += alphabet.charAt(byte % alphabet.length);
  return id;
}

/** Stripe's object timestamps are whole Unix seconds. */
export function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}
