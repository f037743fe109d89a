import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError, problemContentType, toProblem } from '../errors/index.ts';
import { sendProblem } from './problem-replies.ts';
import { generateRequestId, requestIdHeader } from './request-id.ts';

/** Fastify's `clientErrorHandler`, and the step that lets it answer as the request in flight. */
export interface ClientErrors {
  readonly handler: (error: Error & { code?: string }, socket: Socket) => void;
  /** Called by the chassis for every request: remembers which reply is open on each socket. */
  readonly rememberReply: (request: FastifyRequest, reply: FastifyReply) => void;
}

/**
 * Errors Node raises on a socket (a header or request timeout, headers too large,
 * unparsable HTTP) are answered with the same problem format as everything else
 * instead of Fastify's bare JSON, and the socket is then closed, as Node itself does.
 *
 * When the request is already routed (its body is what arrives too slowly), the answer
 * goes through that request's reply: it carries the request's id, and the access log
 * and metrics, which read the reply, record the 408 the client got. Before a request
 * exists there is only the socket to write to.
 */
export function clientErrors(logger: Logger): ClientErrors {
  // Keyed by socket, so nothing outlives a connection; a kept-alive socket's entry is
  // overwritten by its next request, and a finished reply is never answered again.
  const openReplies = new WeakMap<Socket, FastifyReply>();
  const handler: ClientErrors['handler'] = (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const reply = openReplies.get(socket);
    if (reply !== undefined && !reply.raw.writableEnded) {
      answerAsRequest(reply, socket, error);
      return;
    }
    const requestId = generateRequestId();
    logger.debug({ err: error, request_id: requestId }, 'client error before routing');
    if (socket.writable) {
      const problem = toProblem(appErrorOf(error), requestId);
      const body = JSON.stringify(problem);
      socket.write(
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
          `Content-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `${requestIdHeader}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
  const rememberReply: ClientErrors['rememberReply'] = (request, reply) => {
    openReplies.set(request.raw.socket, reply);
  };
  return { handler, rememberReply };
}

function answerAsRequest(reply: FastifyReply, socket: Socket, error: Error & { code?: string }): void {
  reply.log.debug({ err: error }, 'client error during the request');
  // Part of an answer already on the wire would be corrupted by another one; and a
  // client that ended its side in the middle of its body has gone (the usual cause):
  // left unanswered, both are recorded as abandoned (499).
  if (reply.raw.headersSent || error.code === 'HPE_INVALID_EOF_STATE') {
    socket.destroy(error);
    return;
  }
  reply.raw.once('finish', () => socket.destroy());
  sendProblem(reply.header('connection', 'close'), appErrorOf(error));
}

function appErrorOf(error: Error & { code?: string }): AppError {
  const cause = { cause: error };
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('invalid', 'request_timeout', 'The request was not received in time.', cause);
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('invalid', 'invalid_request', 'The request headers are too large.', cause);
    default:
      return new AppError('invalid', 'invalid_request', 'The request is not valid HTTP.', cause);
  }
}
