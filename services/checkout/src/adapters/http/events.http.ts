import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import { eventToWire } from './event.wire.ts';
import { operation } from './operation.ts';
import { idParams, listOf } from './schemas.ts';
import { eventSchema, listEventsQuery } from './webhook-schemas.ts';
import { listToWire, pageRequest } from './wire.ts';

export function eventRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.get(
      '/events',
      operation(
        {
          id: 'listEvents',
          tag: 'events',
          summary: 'List events, newest first, optionally of one type',
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        { querystring: listEventsQuery, response: { 200: listOf(eventSchema, 'EventList') } },
      ),
      async (request) => {
        const { type } = request.query;
        const page = await app.queries.listEvents(request.ctx, {
          ...pageRequest(request.query),
          ...(type === undefined ? {} : { type }),
        });
        return listToWire(page, eventToWire);
      },
    );

    fastify.get(
      '/events/:id',
      operation(
        { id: 'getEvent', tag: 'events', summary: 'Retrieve an event', scope: 'read', priority: 'read' },
        { params: idParams, response: { 200: eventSchema } },
      ),
      async (request) => eventToWire(await app.queries.getEvent(request.ctx, request.params.id)),
    );
  };
}
