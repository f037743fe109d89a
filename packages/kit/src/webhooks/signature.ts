import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a webhook delivery carries its signatures in. */
export const signatureHeader = 'keelson-signature';

function hmacHex(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * The `Keelson-Signature` value for a body sent at `timestamp` (unix seconds): `t=<unix>`
 * then one `v1=<hex hmac-sha256 of "<t>.<raw body>">` per secret, so a receiver that has only
 * the old or only the new secret of a rotation verifies either way.
 *
 * @example
 * ```ts
 * import { signWebhookPayload } from '@keelson/kit/webhooks';
 * const header = signWebhookPayload(['whsec_abc'], '{"id":"evt_1"}', 1_700_000_000);
 * // 't=1700000000,v1=…'
 * ```
 */
export function signWebhookPayload(
  secrets: readonly string[],
  rawBody: string | Uint8Array,
  timestamp: number,
): string {
  if (secrets.length === 0) throw new TypeError('signWebhookPayload: at least one secret is needed');
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmacHex(secret, timestamp, rawBody)}`)].join(',');
}

/** Why a signature was not accepted; `ok` when one v1 entry matched within the tolerance. */
export type SignatureCheck = 'ok' | 'malformed' | 'stale' | 'mismatch';

/**
 * Checks a `Keelson-Signature` header on the receiving side: the timestamp must be within
 * `toleranceSeconds` of now (either side, so a replayed old delivery is refused), and one of
 * the `v1=` entries must be the HMAC of `"<t>.<rawBody>"` under `secret`, compared in constant
 * time. Pass the body exactly as received (bytes or the undecoded string): a re-serialized
 * JSON object does not verify.
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature } from '@keelson/kit/webhooks';
 * const check = verifyWebhookSignature('whsec_abc', 't=1700000000,v1=00', '{}', 300, 1_700_000_000);
 * if (check !== 'ok') console.log(`refused: ${check}`);
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Uint8Array,
  toleranceSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1_000),
): SignatureCheck {
  if (header === undefined) return 'malformed';
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at === -1) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return 'malformed';
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return 'stale';
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  // Every candidate is compared (no early exit), each in constant time.
  let matched = false;
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? 'ok' : 'mismatch';
}
