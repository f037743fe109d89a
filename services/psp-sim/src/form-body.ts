import { invalidRequest } from './stripe-errors.ts';

/**
 * A form body or query string in Stripe's bracket notation, as the official SDKs send it:
 * `metadata[order]=o_1`, `expand[0]=latest_charge` (curl users write `expand[]=`). Maps are
 * `Map`s, so a key such as `__proto__` is just a key.
 */
export type FormValue = string | readonly FormValue[] | ReadonlyMap<string, FormValue>;
export type FormParams = ReadonlyMap<string, FormValue>;

type Node = Map<string, Node | string> & { list?: boolean };

const keyShape = /^[^[\]]+(\[[^[\]]*\])*$/;
const maxDepth = 4;
const maxPairs = 500;

/** Parses `application/x-www-form-urlencoded` text; a malformed or duplicated key is a 400. */
export function parseForm(text: string): FormParams {
  const pairs = [...new URLSearchParams(text)];
  if (pairs.length > maxPairs) throw invalidRequest(400, `Too many parameters (at most ${maxPairs}).`);
  const root: Node = new Map();
  for (const [key, value] of pairs) {
    if (!keyShape.test(key)) throw invalidRequest(400, `Invalid parameter name: ${key}`);
    const segments = [key.slice(0, key.indexOf('[') === -1 ? undefined : key.indexOf('['))];
    for (const match of key.matchAll(/\[([^[\]]*)\]/g)) segments.push(match[1] ?? '');
    if (segments.length > maxDepth) throw invalidRequest(400, `Parameter nested too deeply: ${key}`);
    insert(root, segments, value, key);
  }
  return freeze(root);
}

function insert(root: Node, segments: readonly string[], value: string, key: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i += 1) {
    const isList = i > 0 && /^\d*$/.test(segments[i] ?? '');
    if (i > 0 && node.size > 0 && node.list !== isList) throw invalidRequest(400, `Mixed list and map keys: ${key}`);
    if (i > 0) node.list = isList;
    // `expand[]=a&expand[]=b` appends; an explicit index keeps its slot.
    const segment = segments[i] === '' ? String(node.size) : (segments[i] ?? '');
    const last = i === segments.length - 1;
    const existing = node.get(segment);
    if (last) {
      if (existing !== undefined) throw invalidRequest(400, `Duplicate parameter: ${key}`);
      node.set(segment, value);
      return;
    }
    if (typeof existing === 'string') throw invalidRequest(400, `Parameter is both a value and an object: ${key}`);
    const child: Node = existing ?? new Map();
    node.set(segment, child);
    node = child;
  }
}

function freeze(node: Node): FormParams {
  const out = new Map<string, FormValue>();
  for (const [key, value] of node) out.set(key, typeof value === 'string' ? value : asValue(value));
  return out;
}

function asValue(node: Node): FormValue {
  if (!node.list) return freeze(node);
  return [...node.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, value]) => (typeof value === 'string' ? value : asValue(value)));
}

/**
 * The parameters as one canonical string: map keys sorted, list order kept. Two requests
 * that mean the same thing (keys in another order) get the same fingerprint, as Stripe's
 * idempotency layer compares parsed parameters rather than raw bytes.
 */
export function canonicalForm(params: FormParams): string {
  return JSON.stringify(canonical(params));
}

function canonical(value: FormValue): unknown {
  if (typeof value === 'string') return value;
  if (isList(value)) return value.map(canonical);
  return [...value.keys()].sort().map((key) => [key, canonical(value.get(key) ?? '')]);
}

export function isList(value: FormValue): value is readonly FormValue[] {
  return Array.isArray(value);
}
