import type { FastifyInstance } from 'fastify';
import type { Sim } from '../context.ts';
import { readRefundCreate, refund } from '../refunds.ts';
import { handleMutation, handleRead } from '../stripe-call.ts';
import { resourceMissing } from '../stripe-errors.ts';

export function refundRoutes(app: FastifyInstance, sim: Sim): void {
  app.post('/v1/refunds', (request, reply) =>
    handleMutation(sim, request, reply, {
      endpoint: 'POST /v1/refunds',
      prepare: readRefundCreate,
      execute: (view, input, nowMs) => {
        const { outcome, changes } = refund(view, input, nowMs);
        switch (outcome.kind) {
          case 'refunded':
            return { answer: { status: 200, json: outcome.refund }, changes };
          case 'refused':
            return { answer: { status: 400, json: { error: outcome.error } }, changes };
        }
      },
    }),
  );

  app.get<{ Params: { id: string } }>('/v1/refunds/:id', (request, reply) =>
    handleRead(sim, request, reply, (params) => {
      params.stringList('expand');
      params.rejectUnknown();
      const stored = sim.ledger.refund(request.params.id);
      if (stored === undefined) throw resourceMissing(404, 'refund', request.params.id, 'id');
      return { status: 200, json: stored };
    }),
  );
}
