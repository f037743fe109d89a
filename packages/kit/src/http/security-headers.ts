import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';

/** JSON never loads anything, so API responses get the strictest policy there is. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

/**
 * Helmet's default policy, which the bundled Swagger UI runs under: same-origin
 * scripts and styles, no inline scripts, no plugins, no framing by other origins.
 */
export const docsContentSecurityPolicy = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' https: data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' https: 'unsafe-inline'",
].join('; ');

export interface SecurityHeadersOptions {
  /** Routes whose pattern is this path or under it get {@link docsContentSecurityPolicy}. */
  readonly docsPrefix: string;
}

/** The headers of one kind of route, computed once. */
type HeaderSet = Readonly<Record<string, string>>;

/**
 * Helmet's headers (HSTS, nosniff, frame, referrer and cross-origin policies; on the API only
 * those a JSON answer needs, {@link documentOnlyHeaders}) plus two defaults:
 * - a CSP chosen by route: strict for the API, Swagger-compatible under `docsPrefix`;
 * - `Cache-Control: no-store`: API answers are per caller and must not be stored.
 * Helmet's middleware runs once, here, against a recorder: its headers never depend on the
 * request, and running it per request (as `@fastify/helmet` does) cost 3–4 % of a read's CPU.
 * The chassis sets them when a request arrives, so a route overrides one by setting it itself.
 */
export function securityHeaders(
  options: SecurityHeadersOptions,
): (request: FastifyRequest, reply: FastifyReply) => void {
  const common = helmetHeaders();
  const api: HeaderSet = {
    ...apiOnly(common),
    'content-security-policy': apiContentSecurityPolicy,
    'cache-control': 'no-store',
  };
  const docs: HeaderSet = {
    ...common,
    'content-security-policy': docsContentSecurityPolicy,
    'cache-control': 'no-store',
  };
  return (request, reply) => {
    reply.headers(isUnder(request.routeOptions.url, options.docsPrefix) ? docs : api);
  };
}

/**
 * Helmet headers that only a browser rendering a document acts on: a window's opener, its agent
 * cluster, DNS prefetching of its links, IE 8's "open" button for HTML downloads, Flash and
 * Acrobat cross-domain policy files, the XSS auditor (helmet's `0` turns it off). A JSON answer
 * is never rendered, so the API leaves them out (OWASP REST Security Cheat Sheet, "Security
 * headers"), and with them ~250 bytes and six header validations a request; `/docs` keeps all.
 */
const documentOnlyHeaders = new Set([
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
]);

function apiOnly(headers: HeaderSet): HeaderSet {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !documentOnlyHeaders.has(name)));
}

/** Helmet 8's defaults (CSP left to us), as helmet itself would set them. */
function helmetHeaders(): HeaderSet {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  // Helmet's middleware is synchronous and only sets and removes headers; the casts give it the
  // two response methods it calls.
  helmet({ contentSecurityPolicy: false })(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      failure = error;
    },
  );
  if (failure !== undefined) throw new Error('helmet failed to compute its headers', { cause: failure });
  return headers;
}

function isUnder(url: string | undefined, prefix: string): boolean {
  return url !== undefined && (url === prefix || url.startsWith(`${prefix}/`));
}
