import type { FastifyInstance } from 'fastify';
import type { Sim } from '../context.ts';
import { parseFaultConfig } from '../faults.ts';
import { errorJson } from '../stripe-errors.ts';

/** The control API for tests and demos: faults, the provider's ledger, request counters. */
export function simRoutes(app: FastifyInstance, sim: Sim): void {
  app.get('/sim/faults', async () => sim.faults.config());

  app.put('/sim/faults', async (request, reply) => {
    const parsed = parseFaultConfig(request.body);
    if (!parsed.ok) {
      return reply
        .code(400)
        .type('application/json')
        .send(
          errorJson({ type: 'invalid_request_error', message: `Invalid fault rules: ${parsed.problems.join('; ')}` }),
        );
    }
    sim.faults.configure(parsed.config);
    return sim.faults.config();
  });

  app.delete('/sim/faults', async (_request, reply) => {
    sim.faults.clear();
    return reply.code(204).send();
  });

  app.get('/sim/ledger', async () => sim.ledger.snapshot());

  app.get('/sim/stats', async () => ({ ...sim.stats.snapshot(), idempotency_keys_in_flight: sim.keys.inFlightCount }));

  app.delete('/sim/stats', async (_request, reply) => {
    sim.stats.reset();
    return reply.code(204).send();
  });
}
