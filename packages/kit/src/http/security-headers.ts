import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

/**
 * Helmet's headers (HSTS, nosniff, frame, referrer and cross-origin policies) on every
 * response, plus two defaults a route may override by setting the header itself:
 * - a CSP chosen by route: strict for the API, Swagger-compatible under `docsPrefix`.
 *   Chosen here rather than with helmet's per-route option, because that option only
 *   applies to routes registered after helmet has loaded, which a caller adding
 *   routes right after `createHttpServer` cannot see;
 * - `Cache-Control: no-store`: API answers are per caller and must not be stored.
 */
export function installSecurityHeaders(app: FastifyInstance, options: SecurityHeadersOptions): void {
  void app.register(helmet, { global: true, contentSecurityPolicy: false });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('content-security-policy')) {
      const docs = isUnder(request.routeOptions.url, options.docsPrefix);
      reply.header('content-security-policy', docs ? docsContentSecurityPolicy : apiContentSecurityPolicy);
    }
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

function isUnder(url: string | undefined, prefix: string): boolean {
  return url !== undefined && (url === prefix || url.startsWith(`${prefix}/`));
}
