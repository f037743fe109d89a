import { once } from 'node:events';
import { Server as NetServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/index.ts';

/** What the drain needs to know about one chassis server. */
interface DrainState {
  closing: boolean;
  inFlight: number;
  readonly sockets: Set<Socket>;
  /** Wakes `closeGracefully` when a request ends or a socket closes. */
  readonly changes: EventTarget;
}

const drainStates = new WeakMap<FastifyInstance, DrainState>();

/**
 * Behaviour while the server drains, replacing Fastify's `return503OnClosing` (same effect,
 * but its body is a bare JSON blob, not a problem document):
 * - a request that reaches routing once draining has begun (on a kept-alive socket, or
 *   accepted just before the listener closed) gets 503 `shutting_down` with
 *   `Connection: close`, so the client retries elsewhere;
 * - responses of requests already in flight carry `Connection: close`, so their sockets
 *   close after the response instead of idling until `keepAliveTimeout` (72 s).
 * {@link closeGracefully} uses the request and socket counts kept here. The chassis' exchange
 * step calls `begin`/`refusal` when a request arrives and `end` when its response closes.
 */
export function installDrainBehaviour(app: FastifyInstance): Drain {
  const state: DrainState = { closing: false, inFlight: 0, sockets: new Set(), changes: new EventTarget() };
  drainStates.set(app, state);
  // Only a drain waits on changes: an event per request outside one would be waste.
  const changed = (): void => {
    if (state.closing) state.changes.dispatchEvent(new Event('change'));
  };
  app.server.on('connection', (socket: Socket) => {
    state.sockets.add(socket);
    socket.once('close', () => {
      state.sockets.delete(socket);
      changed();
    });
  });
  app.addHook('preClose', (done) => {
    state.closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (state.closing) reply.header('connection', 'close');
    done(null, payload);
  });
  return {
    begin: () => {
      state.inFlight += 1;
    },
    refusal: () =>
      state.closing ? new AppError('unavailable', 'shutting_down', 'The server is shutting down; retry.') : undefined,
    end: () => {
      state.inFlight -= 1;
      changed();
    },
  };
}

/** One chassis server's drain, as the exchange step sees it. */
export interface Drain {
  /** A request arrived: counted until its `end`. */
  begin(): void;
  /** The refusal of a request that arrives while draining. */
  refusal(): AppError | undefined;
  /** A counted request's response closed. */
  end(): void;
}

/** Resolves once `condition` holds, re-checked whenever a request ends or a socket closes. */
async function until(state: DrainState, condition: () => boolean, signal?: AbortSignal): Promise<void> {
  while (!condition() && signal?.aborted !== true) {
    await once(state.changes, 'change', signal === undefined ? {} : { signal }).catch(() => undefined);
  }
}

/**
 * Drains a chassis server, then closes it:
 * 1. the listener stops accepting; kept-alive sockets stay open, so a request a client sends
 *    on one now gets 503 `shutting_down` + `Connection: close` rather than a reset (Node's
 *    `server.close()` would destroy idle sockets at once, racing the client's next request);
 * 2. in-flight requests finish;
 * 3. sockets still idle after `idleGraceMs` (counted from step 1) are closed between
 *    requests, by Fastify's `close()`.
 * A server the chassis did not build is simply closed.
 */
export async function closeGracefully(app: FastifyInstance, idleGraceMs: number): Promise<void> {
  const state = drainStates.get(app);
  if (state === undefined || !app.server.listening) return app.close();
  state.closing = true;
  const graceOver = AbortSignal.timeout(Math.max(1, idleGraceMs));
  // net.Server's close stops accepting and leaves open sockets alone; http.Server's would not.
  NetServer.prototype.close.call(app.server);
  await until(state, () => state.inFlight === 0);
  await until(state, () => state.sockets.size === 0, graceOver);
  // Fastify closes the remaining idle sockets and waits for any request that just arrived;
  // its own server.close() tolerates the listener being closed already.
  await app.close();
}
