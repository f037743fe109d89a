import type { FastifyInstance } from 'fastify';
import { AppError, type FieldIssue } from '../errors/index.ts';

/**
 * The chassis' `application/json` parser, replacing Fastify's. Both refuse keys that can
 * reach an object's prototype once the body is copied with `Object.assign` or a merge:
 * `__proto__`, and `constructor` holding `prototype` (secure-json-parse's rule). Fastify's
 * parser refuses them with the same error as malformed JSON, so a client sending valid
 * JSON was told `invalid_json`. Here malformed JSON stays `invalid_json`, and a forbidden
 * key is `invalid_request` with an issue naming its path (`body.currency.__proto__`).
 *
 * The key is found by walking the parsed value, not with a `JSON.parse` reviver: a
 * reviver sees a key and its holder, never the path to them. The walk runs only when the
 * text could spell such a key (the words themselves, or a `\u` escape, the only other way
 * to write their letters), so ordinary bodies pay one substring search.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser<string>('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseJsonBody(text));
    } catch (error) {
      done(error instanceof AppError ? error : invalidJson(error));
    }
  });
}

const mightSpellForbiddenKey = /__proto__|constructor|\\u/;

function parseJsonBody(raw: string): unknown {
  // A leading byte-order mark is tolerated, as Fastify's parser does.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text === '') throw new AppError('invalid', 'invalid_json', 'The body is empty but declared as JSON.');
  const value: unknown = JSON.parse(text);
  const path = mightSpellForbiddenKey.test(text) ? firstForbiddenKey(value) : undefined;
  if (path === undefined) return value;
  const issues: FieldIssue[] = [{ path: ['body', ...path].join('.'), message: 'is a forbidden key' }];
  throw new AppError('invalid', 'invalid_request', 'The body carries a forbidden key.', { issues });
}

function invalidJson(cause: unknown): AppError {
  return new AppError('invalid', 'invalid_json', 'The body is not valid JSON.', { cause });
}

interface Visit {
  readonly key: string;
  readonly value: unknown;
  readonly parent: Visit | undefined;
}

/**
 * The path of the first forbidden key in document order. Iterative, with parent links
 * instead of a path per node, because a 1 MiB body can nest hundreds of thousands of levels deep:
 * recursion would overflow the stack and answer 500.
 */
function firstForbiddenKey(root: unknown): string[] | undefined {
  const pending: Visit[] = [{ key: '', value: root, parent: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    if (visit.parent !== undefined && visit.key === '__proto__') return pathOf(visit);
    if (typeof visit.value !== 'object' || visit.value === null) continue;
    // JSON.parse only makes own properties; `constructor` is forbidden when it holds one
    // named `prototype`, the other way to reach a prototype (`x.constructor.prototype`).
    if (visit.key === 'constructor' && Object.hasOwn(visit.value, 'prototype')) {
      return [...pathOf(visit), 'prototype'];
    }
    // Pushed in reverse, so the stack pops them in document order.
    for (const [key, value] of Object.entries(visit.value).reverse()) pending.push({ key, value, parent: visit });
  }
  return undefined;
}

function pathOf(visit: Visit): string[] {
  const keys: string[] = [];
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}
