import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/index.ts';

/**
 * Behaviour while `app.close()` drains, replacing Fastify's `return503OnClosing`
 * (same effect, but its body is a bare JSON blob, not a problem document):
 * - a request that reaches routing once closing has begun (accepted while `preClose`
 *   hooks run, or already on the wire of a kept-alive socket) gets 503
 *   `shutting_down` with `Connection: close`, so the client retries elsewhere;
 * - responses of requests already in flight carry `Connection: close`. Without it
 *   Node leaves their kept-alive sockets idle until `keepAliveTimeout` (72 s), and
 *   `close()` waits for them: every shutdown would hit the drain timeout.
 */
export function installDrainBehaviour(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    done(closing ? new AppError('unavailable', 'shutting_down', 'The server is shutting down; retry.') : undefined);
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
