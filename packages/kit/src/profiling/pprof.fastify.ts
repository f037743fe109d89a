import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/index.ts';
import { cpuProfileSeconds, type Profiler } from './profiler.ts';

function secondsOf(raw: unknown): number {
  if (raw === undefined) return cpuProfileSeconds.default;
  const seconds = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds >= cpuProfileSeconds.min && seconds <= cpuProfileSeconds.max)) {
    const { min, max } = cpuProfileSeconds;
    throw new AppError('invalid', 'invalid_request', `seconds must be a whole number from ${min} to ${max}.`);
  }
  return seconds;
}

/**
 * `GET /debug/pprof/profile?seconds=N` (CPU) and `GET /debug/pprof/heap`, Go's paths, answered
 * as pprof files. Register it inside the scope that guards the admin API: profiles show code.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createProfiler, registerPprofRoutes } from '@keelson/kit/profiling';
 * const admin = Fastify();
 * registerPprofRoutes(admin, createProfiler());
 * ```
 */
export function registerPprofRoutes(fastify: FastifyInstance, profiler: Profiler): void {
  const send = (file: string) => ({
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${file}"`,
    'cache-control': 'no-store',
  });
  fastify.get('/debug/pprof/profile', async (request, reply) => {
    // Without a schema Fastify types the query as unknown; its parser always gives an object.
    const { seconds } = request.query as { readonly seconds?: unknown };
    // The profile's own length is its budget, not the request deadline: the client asked for it.
    const closed = new AbortController();
    reply.raw.once('close', () => closed.abort());
    const profile = await profiler.cpu(secondsOf(seconds), closed.signal);
    return reply.headers(send('cpu.pb.gz')).send(profile);
  });
  fastify.get('/debug/pprof/heap', async (_request, reply) =>
    reply.headers(send('heap.pb.gz')).send(await profiler.heap()),
  );
}
