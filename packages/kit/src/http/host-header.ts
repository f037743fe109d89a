import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.ts';

/**
 * RFC 9112 §3.2: an HTTP/1.1 request without `Host` must be answered 400. Node does
 * that itself by default (`requireHostHeader`), but with a bare, empty 400 written before
 * Fastify sees the request: no problem document, no request id, no access-log line. The
 * chassis turns Node's check off and makes it here instead, as the first check after the
 * request has its context. HTTP/1.0 may omit `Host`; an empty one is allowed (RFC 9112
 * asks for it when the target has no authority).
 */
export function missingHost(request: FastifyRequest): AppError | undefined {
  return request.raw.httpVersion === '1.1' && request.headers.host === undefined ? hostRequired() : undefined;
}

function hostRequired(): AppError {
  const issues = [{ path: 'headers.host', message: 'is required in HTTP/1.1' }];
  return new AppError('invalid', 'invalid_request', 'An HTTP/1.1 request must carry a Host header.', { issues });
}
