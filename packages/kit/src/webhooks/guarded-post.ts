import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressGuard } from './address-guard.ts';

/** A name resolver: every address the name has, as `dns.lookup(name, { all: true })` gives them. */
export type Resolve = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export interface GuardedPostOptions {
  readonly guard: AddressGuard;
  /** The whole exchange (connect, send, response headers); beyond it the attempt failed. */
  readonly timeoutMs: number;
  /** Default: the system resolver. Tests give names their own answers. */
  readonly resolve?: Resolve;
  /** Aborts the attempt (shutdown). */
  readonly signal?: AbortSignal;
}

/**
 * How one POST went. `refused`: the guard refused the URL or every address it resolved to, and
 * no connection was made. `failed`: no response (DNS, connect, TLS, reset, timeout). The
 * response body is never read: only its status matters, and a receiver's body is not ours to keep.
 */
export type PostOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly durationMs: number }
  | { readonly kind: 'refused'; readonly reason: string; readonly durationMs: number }
  | { readonly kind: 'failed'; readonly error: string; readonly durationMs: number };

class AddressRefused extends Error {}

/**
 * A lookup that resolves, then checks the addresses the socket will connect to: the check
 * runs on what is connected, every time, so a name that changes its answer (DNS rebinding)
 * is judged on the new one. One refused address refuses the name.
 */
function guardedLookup(guard: AddressGuard, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refusal =
          addresses.length === 0
            ? `${hostname} has no address`
            : addresses.map((a) => guard.checkAddress(a.address)).find((r) => r !== undefined);
        if (refusal !== undefined) {
          callback(new AddressRefused(`${hostname}: ${refusal}`), '', 4);
          return;
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = addresses.filter((a) => wanted === undefined || a.family === wanted);
        if (options.all === true) {
          // Node's typing of the all-addresses callback is not expressible on LookupFunction.
          (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [...usable]);
          return;
        }
        const first = usable[0];
        if (first === undefined) callback(new AddressRefused(`${hostname} has no IPv${wanted} address`), '', 4);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), '', 4),
    );
  };
}

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * POSTs `body` to `url` through the SSRF guard: the scheme and a literal address are checked
 * before anything else, a name's addresses in the socket's own lookup. Redirects are not
 * followed (a 3xx is just a status). Never throws: every way it can go is a `PostOutcome`.
 *
 * @example
 * ```ts
 * import { createAddressGuard, guardedPost } from '@keelson/kit/webhooks';
 * const outcome = await guardedPost('https://example.com/hook', '{}', { 'content-type': 'application/json' }, {
 *   guard: createAddressGuard(),
 *   timeoutMs: 10_000,
 * });
 * if (outcome.kind === 'response' && outcome.status < 300) console.log('delivered');
 * ```
 */
export function guardedPost(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: GuardedPostOptions,
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refusal = options.guard.checkUrl(url);
  if (refusal !== undefined) return Promise.resolve({ kind: 'refused', reason: refusal, durationMs: elapsed() });
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(outcome);
    };
    const request = transport.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(options.guard, options.resolve ?? systemResolve),
      // A fresh connection per attempt: a pooled socket would skip the lookup and its check.
      agent: false,
    });
    const timer = setTimeout(
      () => finish({ kind: 'failed', error: `no response within ${options.timeoutMs} ms`, durationMs: elapsed() }),
      options.timeoutMs,
    );
    const onAbort = () => finish({ kind: 'failed', error: 'aborted', durationMs: elapsed() });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('response', (response) => {
      finish({ kind: 'response', status: response.statusCode ?? 0, durationMs: elapsed() });
      response.destroy();
    });
    request.on('error', (error) =>
      finish(
        error instanceof AddressRefused
          ? { kind: 'refused', reason: error.message, durationMs: elapsed() }
          : { kind: 'failed', error: error.message || error.name, durationMs: elapsed() },
      ),
    );
    if (options.signal?.aborted === true) onAbort();
    else request.end(body);
  });
}
