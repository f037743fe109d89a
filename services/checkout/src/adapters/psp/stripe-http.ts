import { ResponseTooLargeError, readCappedText } from './capped-body.ts';
import { encodeForm, type FormParams } from './form-encoding.ts';
import { ProviderNetworkError, ProviderProtocolError } from './psp-failures.ts';
import { parseStripeError, StripeApiError, type StripeErrorObject } from './stripe-error.ts';

/**
 * The API version the client is written against, sent on every request so a real account's
 * default version cannot change the shapes it reads. The same version the official SDK that
 * psp-sim's compatibility tests use pins.
 */
export const stripeApiVersion = '2026-10-28.endive';

export interface StripeRequest {
  readonly method: 'GET' | 'POST';
  /** `/v1/payment_intents`; ids in it already percent-encoded. */
  readonly path: string;
  /** The form body of a POST, or the query of a GET. */
  readonly params: FormParams;
  readonly idempotencyKey?: string;
  readonly signal: AbortSignal;
}

/** Any answer that is not a redirect, with its JSON body parsed. */
export class StripeAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly headers: Headers;

  constructor(status: number, json: unknown, headers: Headers) {
    this.status = status;
    this.json = json;
    this.headers = headers;
  }

  get error(): StripeErrorObject | undefined {
    return parseStripeError(this.json);
  }

  /** The answer as a failure, for statuses the operation does not take as an outcome. */
  failure(): StripeApiError {
    return new StripeApiError(this.status, this.error, this.headers);
  }
}

export interface StripeHttpOptions {
  /** `https://api.stripe.com`, or the simulator's URL; a path prefix is kept. */
  readonly url: string;
  readonly apiKey: string;
  readonly maxResponseBytes: number;
}

export type StripeSend = (request: StripeRequest) => Promise<StripeAnswer>;

/**
 * One HTTP exchange in Stripe's protocol over Node's global fetch: Bearer key, form body,
 * Idempotency-Key, never a redirect followed, the answer read up to the cap. Throws
 * ProviderNetworkError (no answer), ProviderProtocolError (a redirect, a 2xx-4xx that is not
 * JSON), ResponseTooLargeError, or StripeApiError for a 5xx that is not JSON; every other
 * status is returned for the operation to interpret.
 */
export function createStripeSend(options: StripeHttpOptions): StripeSend {
  const base = options.url.replace(/\/+$/, '');
  const authorization = `Bearer ${options.apiKey}`;
  return async (request) => {
    const encoded = encodeForm(request.params);
    const isPost = request.method === 'POST';
    const url = isPost || encoded === '' ? `${base}${request.path}` : `${base}${request.path}?${encoded}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization,
      'stripe-version': stripeApiVersion,
    };
    if (isPost) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(isPost ? { body: encoded } : {}),
        // A redirect from a payment API means a wrong URL or a hijacked one: never follow it,
        // and never resend the key and the card to wherever it points.
        redirect: 'manual',
        signal: request.signal,
      });
    } catch (error) {
      throw new ProviderNetworkError(`${request.method} ${request.path}`, error);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new ProviderProtocolError(`${request.method} ${request.path} was redirected (${response.status})`);
    }
    let text: string;
    try {
      text = await readCappedText(response, options.maxResponseBytes);
    } catch (error) {
      if (error instanceof ResponseTooLargeError) throw error;
      throw new ProviderNetworkError(`${request.method} ${request.path} (reading the answer)`, error);
    }
    return new StripeAnswer(response.status, parseJson(text, response, request), response.headers);
  };
}

function parseJson(text: string, response: Response, request: StripeRequest): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // A gateway's HTML 502 is still a 5xx: transient, like any other.
    if (response.status >= 500) throw new StripeApiError(response.status, undefined, response.headers);
    throw new ProviderProtocolError(
      `${request.method} ${request.path} answered ${response.status} with a body that is not JSON`,
      error,
    );
  }
}
