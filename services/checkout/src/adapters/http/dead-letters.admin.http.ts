import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../app/application.ts';
import { deadLetterSources } from '../../domain/dead-letter.ts';
import { deadLetterListToWire, deadLetterToWire } from './dead-letter.wire.ts';
import { idParams, pageQuery } from './schemas.ts';
import { pageRequest } from './wire.ts';

/**
 * `/admin/dead_letters`: list (newest first, optional `source`), show, replay (once: a second
 * replay is 409 `dead_letter_resolved`), discard. Registered inside the admin API's scope.
 */
export function deadLetterRoutes(app: Application): FastifyPluginAsyncZod {
  return async (admin) => {
    admin.get(
      '/dead_letters',
      { schema: { querystring: z.strictObject({ ...pageQuery, source: z.enum(deadLetterSources).optional() }) } },
      async (request) => {
        const { source } = request.query;
        const filter = { ...pageRequest(request.query), ...(source === undefined ? {} : { source }) };
        return deadLetterListToWire(await app.deadLetters.list(request.ctx, filter));
      },
    );
    admin.get('/dead_letters/:id', { schema: { params: idParams } }, async (request) =>
      deadLetterToWire(await app.deadLetters.get(request.ctx, request.params.id)),
    );
    admin.post('/dead_letters/:id/replay', { schema: { params: idParams } }, async (request) =>
      deadLetterToWire(await app.deadLetters.replay(request.ctx, request.params.id)),
    );
    admin.post('/dead_letters/:id/discard', { schema: { params: idParams } }, async (request) =>
      deadLetterToWire(await app.deadLetters.discard(request.ctx, request.params.id)),
    );
  };
}
