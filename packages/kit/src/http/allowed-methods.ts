import type { FastifyInstance, HTTPMethods } from 'fastify';

/** The methods some route serves for a concrete path; empty when no route has the path at all. */
export type AllowedMethods = (path: string) => readonly HTTPMethods[];

/**
 * Fastify answers 404 for a known path with the wrong method. To answer 405 with
 * `Allow`, the methods registered through `onRoute` are remembered, and a path that
 * found no route is looked up again under each of them with Fastify's own router,
 * so params, wildcards and trailing-slash options match exactly as for dispatch.
 * Must be installed before any route is registered. Routes with constraints
 * (version, host) are only found without their constraint, i.e. not at all.
 */
export function trackAllowedMethods(app: FastifyInstance): AllowedMethods {
  const registered = new Set<HTTPMethods>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.add(method);
  });
  return (path) => [...registered].filter((method) => app.findRoute({ method, url: path }) !== null).sort();
}
