import type { FastifyInstance, FastifyReply } from 'fastify';

declare module 'fastify' {
  interface FastifyReply {
    /** Steps to run once the exchange is over (see {@link atExchangeEnd}); null until one is added. */
    exchangeEndSteps: Array<() => void> | null;
  }
}

/**
 * Lets {@link atExchangeEnd} gather a request's end steps behind the one `close` listener the
 * chassis already keeps per response, instead of one listener each: a read's profile had
 * EventEmitter listener bookkeeping among its top costs with six of them per request.
 */
export function decorateExchangeEnd(app: FastifyInstance): void {
  app.decorateReply('exchangeEndSteps', null);
}

/**
 * Runs `step` once the exchange is over: after the last byte of the response was handed to the
 * socket, or when the client went away first (the raw response's `close`, which fires exactly
 * once per exchange). On the kit's HTTP chassis the steps share its listener; on a bare Fastify
 * app each gets its own.
 */
export function atExchangeEnd(reply: FastifyReply, step: () => void): void {
  const steps = reply.exchangeEndSteps;
  if (steps === undefined) reply.raw.once('close', step);
  else if (steps === over)
    step(); // added after the end (an async hook outlived the client): run it now
  else if (steps === null) reply.exchangeEndSteps = [step];
  else steps.push(step);
}

/** Marks an exchange whose end steps have run. */
const over: Array<() => void> = [];

/** Called by the chassis' listener: runs the steps added during the exchange, in order. */
export function runExchangeEndSteps(reply: FastifyReply): void {
  const steps = reply.exchangeEndSteps;
  reply.exchangeEndSteps = over;
  if (steps === null || steps === undefined) return;
  for (const step of steps) step();
}
