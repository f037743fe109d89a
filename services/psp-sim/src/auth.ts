import { createHash } from 'node:crypto';
import { StripeRequestError } from './stripe-errors.ts';

const testKey = /^sk_test_[A-Za-z0-9_]+$/;

/**
 * The secret key of a request, from `Authorization: Bearer sk_test_…` or Basic auth with the
 * key as user name (`curl -u sk_test_…:`), as Stripe accepts both. Any test secret key
 * passes; anything else is Stripe's 401.
 */
export function apiKeyOf(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw unauthenticated(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const [scheme = '', credentials = ''] = authorization.trim().split(/\s+/, 2);
  const key =
    scheme.toLowerCase() === 'basic'
      ? (Buffer.from(credentials, 'base64').toString('utf8').split(':')[0] ?? '')
      : scheme.toLowerCase() === 'bearer'
        ? credentials
        : '';
  if (!testKey.test(key)) throw unauthenticated(`Invalid API Key provided: ${redact(key)}`);
  return key;
}

/** Idempotency keys are scoped per API key; the scope is stored, the key is not. */
export function keyScope(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 32);
}

function redact(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

function unauthenticated(message: string): StripeRequestError {
  return new StripeRequestError(
    401,
    { type: 'invalid_request_error', message },
    { 'www-authenticate': 'Basic realm="Stripe"' },
  );
}
