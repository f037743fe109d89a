import { createHash } from 'node:crypto';

/** What makes two requests under one key "the same request". */
export interface FingerprintInput {
  readonly method: string;
  /** The route pattern (`/v1/orders/:id/cancel`), not the URL. */
  readonly route: string;
  /**
   * Path parameters. Part of the fingerprint because the pattern alone would let one key used to
   * cancel order A replay that answer for order B.
   */
  readonly params?: unknown;
  readonly query?: unknown;
  /** The parsed body; key order and whitespace do not matter, values do. */
  readonly body?: unknown;
}

/**
 * The request's fingerprint: the SHA-256 (hex) of the canonical JSON of method, route pattern,
 * path parameters, query and body. Method case, key order and whitespace do not change it.
 *
 * @example
 * ```ts
 * import { fingerprintOf } from '@keelson/kit/idempotency';
 * const a = fingerprintOf({ method: 'POST', route: '/v1/orders', body: { lines: [], note: 'x' } });
 * const b = fingerprintOf({ method: 'post', route: '/v1/orders', body: { note: 'x', lines: [] } });
 * a === b; // true
 * ```
 */
export function fingerprintOf(input: FingerprintInput): string {
  const canonical = canonicalJson({
    method: input.method.toUpperCase(),
    route: input.route,
    params: input.params,
    query: input.query,
    body: input.body,
  });
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex');
}

type Task =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'leave'; readonly container: object };

/**
 * `JSON.stringify` with object keys sorted (by UTF-16 code units, as RFC 8785) and no whitespace:
 * equal JSON values give equal text. Same value rules as `JSON.stringify` (`toJSON` is called,
 * `undefined` properties are left out, non-finite numbers are `null`); `undefined` for a value
 * JSON cannot represent at all. Iterative, because a 1 MiB body can nest hundreds of thousands of
 * levels deep and recursion would overflow the stack. Throws TypeError on cycles and bigints.
 *
 * @example
 * ```ts
 * import { canonicalJson } from '@keelson/kit/idempotency';
 * canonicalJson({ b: [1, { d: true, c: null }], a: 'x' }); // '{"a":"x","b":[1,{"c":null,"d":true}]}'
 * ```
 */
export function canonicalJson(value: unknown): string | undefined {
  const root = jsonValue(value, '');
  if (omitted(root)) return undefined;
  const out: string[] = [];
  const open = new Set<object>();
  const tasks: Task[] = [{ kind: 'value', value: root }];
  for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
    if (task.kind === 'text') {
      out.push(task.text);
      continue;
    }
    if (task.kind === 'leave') {
      open.delete(task.container);
      continue;
    }
    const current = task.value;
    if (typeof current !== 'object' || current === null) {
      out.push(scalar(current));
      continue;
    }
    if (open.has(current)) throw new TypeError('canonicalJson: the value contains a cycle');
    open.add(current);
    // Tasks run last-in first-out: push the closing bracket first and the members in reverse.
    tasks.push({ kind: 'leave', container: current });
    if (Array.isArray(current)) {
      tasks.push({ kind: 'text', text: ']' });
      for (let i = current.length - 1; i >= 0; i -= 1) {
        const item = jsonValue(current[i], String(i));
        tasks.push({ kind: 'value', value: omitted(item) ? null : item });
        if (i > 0) tasks.push({ kind: 'text', text: ',' });
      }
      out.push('[');
      continue;
    }
    // Own enumerable string keys, as JSON.stringify reads them.
    const record = current as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => [key, jsonValue(record[key], key)] as const)
      .filter(([, member]) => !omitted(member));
    tasks.push({ kind: 'text', text: '}' });
    for (let i = members.length - 1; i >= 0; i -= 1) {
      const [key, member] = members[i] as (typeof members)[number];
      tasks.push({ kind: 'value', value: member });
      tasks.push({ kind: 'text', text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
    }
    out.push('{');
  }
  return out.join('');
}

/** The value JSON.stringify would serialize in place of `value` (its `toJSON`, a wrapper's primitive). */
function jsonValue(value: unknown, key: string): unknown {
  let current = value;
  if (typeof current === 'object' && current !== null && 'toJSON' in current && typeof current.toJSON === 'function') {
    current = current.toJSON(key);
  }
  if (current instanceof Number || current instanceof String || current instanceof Boolean) {
    current = current.valueOf();
  }
  return current;
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    default:
      return 'null';
  }
}
