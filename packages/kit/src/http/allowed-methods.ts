import type { FastifyInstance, HTTPMethods } from 'fastify';

/**
 * The methods to list in a 405's `Allow` for a request that reached the not-found
 * handler; empty when the answer is a 404 instead.
 */
export type AllowedMethods = (method: string, path: string) => readonly HTTPMethods[];

/**
 * Fastify answers 404 for a known path with the wrong method. To answer 405 with
 * `Allow`, the methods registered through `onRoute` are remembered, and the path is
 * looked up again under each of them with Fastify's own router, so params, wildcards
 * and trailing-slash options match exactly as for dispatch.
 *
 * A request also reaches the not-found handler when its route matched and then gave
 * up itself (`reply.callNotFound()`, as @fastify/static does for a missing file). A
 * wildcard route "has" every path under it, so "some method has this path" would turn
 * those into 405s: a request whose own method finds a route is therefore always a 404.
 * Must be installed before any route is registered. Routes with constraints (version,
 * host) are only found without their constraint, i.e. not at all.
 */
export function trackAllowedMethods(app: FastifyInstance): AllowedMethods {
  const registered = new Set<HTTPMethods>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registered.add(method);
  });
  // The cast is safe: the router looks any method name up and finds nothing for one it
  // has no routes for (a request's method is whatever token the client sent).
  const routed = (method: string, url: string) => app.findRoute({ method: method as HTTPMethods, url }) !== null;
  return (method, path) => {
    if (routed(method, path)) return [];
    return [...registered].filter((other) => routed(other, path)).sort();
  };
}
