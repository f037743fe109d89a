import type { FastifyInstance } from 'fastify';
import type { Sim } from '../context.ts';
import { latestChargeJson } from '../objects.ts';
import { createPaymentIntent, readPaymentIntentCreate } from '../payment-intents.ts';
import { handleMutation, handleRead } from '../stripe-call.ts';
import { resourceMissing } from '../stripe-errors.ts';

export function paymentIntentRoutes(app: FastifyInstance, sim: Sim): void {
  app.post('/v1/payment_intents', (request, reply) =>
    handleMutation(sim, request, reply, {
      endpoint: 'POST /v1/payment_intents',
      prepare: (params) => readPaymentIntentCreate(params),
      execute: (_view, input, nowMs) => {
        const { outcome, changes } = createPaymentIntent(input, nowMs);
        switch (outcome.kind) {
          case 'created':
            return { answer: { status: 200, json: outcome.paymentIntent }, changes };
          case 'declined':
            return { answer: { status: 402, json: { error: outcome.error } }, changes };
        }
      },
    }),
  );

  app.get<{ Params: { id: string } }>('/v1/payment_intents/:id', (request, reply) =>
    handleRead(sim, request, reply, (params) => {
      const expand = params.stringList('expand') ?? [];
      params.string('client_secret');
      params.rejectUnknown();
      const stored = sim.ledger.paymentIntent(request.params.id);
      if (stored === undefined) throw resourceMissing(404, 'payment_intent', request.params.id, 'intent');
      if (!expand.includes('latest_charge')) return { status: 200, json: stored.json };
      // Other expansions are accepted and answered unexpanded: nothing here reads them.
      return {
        status: 200,
        json: { ...stored.json, latest_charge: latestChargeJson(stored.json, stored.amountRefunded) },
      };
    }),
  );
}
