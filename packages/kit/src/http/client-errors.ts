import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { AppError, problemContentType, toProblem } from '../errors/index.ts';
import { generateRequestId, requestIdHeader } from './request-id.ts';

/**
 * Errors Node raises before a request exists (a header or request timeout, headers
 * too large, unparsable HTTP) are answered here, on the raw socket, with the same
 * problem format as everything else instead of Fastify's bare JSON; then the socket
 * is destroyed, as Node itself does.
 */
export function answerClientError(logger: Logger): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const requestId = generateRequestId();
    logger.debug({ err: error, request_id: requestId }, 'client error before routing');
    if (socket.writable) {
      const problem = toProblem(appErrorOf(error.code), requestId);
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
          `Content-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `${requestIdHeader}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

function appErrorOf(code: string | undefined): AppError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('invalid', 'request_timeout', 'The request was not received in time.');
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('invalid', 'invalid_request', 'The request headers are too large.');
    default:
      return new AppError('invalid', 'invalid_request', 'The request is not valid HTTP.');
  }
}
