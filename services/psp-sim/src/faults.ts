/**
 * Fault injection for the provider API (`/v1/*`), configured through `PUT /sim/faults`.
 * Each request draws one number per matching rule, in rule order, so with a `seed` the same
 * sequence of requests meets the same faults. Latency rules add up; of the other kinds the
 * first rule that fires decides what happens to the request.
 */
export const faultKinds = ['latency', 'http_500', 'http_503', 'http_429', 'hang', 'reset', 'lost_response'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultRule {
  readonly kind: FaultKind;
  readonly probability: number;
  readonly path_prefix?: string;
  /** latency only */
  readonly ms?: number;
  /** latency only: a uniform extra delay in [0, jitter_ms] */
  readonly jitter_ms?: number;
  /** http_429 (default 1) and http_503 (default: no header): seconds, sent as `Retry-After` */
  readonly retry_after?: number;
}

export interface FaultConfig {
  readonly rules: readonly FaultRule[];
  readonly seed: number | null;
}

/** What the faults decided for one request. */
export interface FaultPlan {
  readonly delayMs: number;
  readonly terminal?: Exclude<FaultKind, 'latency'>;
  readonly retryAfter?: number;
}

const fieldsByKind: Readonly<Record<FaultKind, readonly string[]>> = {
  latency: ['ms', 'jitter_ms'],
  http_500: [],
  http_503: ['retry_after'],
  http_429: ['retry_after'],
  hang: [],
  reset: [],
  lost_response: [],
};

const maxDelayMs = 600_000;

export type ParsedFaults =
  | { readonly ok: true; readonly config: FaultConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Validates a `PUT /sim/faults` body, reporting every problem at once. */
export function parseFaultConfig(body: unknown): ParsedFaults {
  const problems: string[] = [];
  if (!isRecord(body)) return { ok: false, problems: ['body must be a JSON object {"rules": [...], "seed"?: n}'] };
  for (const key of Object.keys(body)) if (key !== 'rules' && key !== 'seed') problems.push(`unknown field "${key}"`);
  const rawSeed = body.seed ?? null;
  const seed = typeof rawSeed === 'number' && Number.isSafeInteger(rawSeed) ? rawSeed : null;
  if (rawSeed !== null && seed === null) problems.push('seed must be an integer');
  if (!Array.isArray(body.rules)) {
    problems.push('rules must be an array');
    return { ok: false, problems };
  }
  const rules = body.rules.map((rule: unknown, index) => parseRule(rule, `rules[${index}]`, problems));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { rules: rules.filter((rule) => rule !== undefined), seed } };
}

function parseRule(rule: unknown, at: string, problems: string[]): FaultRule | undefined {
  if (!isRecord(rule)) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  const kind = faultKinds.find((known) => known === rule.kind);
  if (kind === undefined) {
    problems.push(`${at}.kind must be one of ${faultKinds.join(', ')}`);
    return undefined;
  }
  const allowed = ['kind', 'probability', 'path_prefix', ...fieldsByKind[kind]];
  for (const key of Object.keys(rule))
    if (!allowed.includes(key)) problems.push(`${at}.${key} is not a field of ${kind}`);
  const { probability, path_prefix: pathPrefix } = rule;
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
    problems.push(`${at}.probability must be a number from 0 to 1`);
    return undefined;
  }
  if (pathPrefix !== undefined && (typeof pathPrefix !== 'string' || !pathPrefix.startsWith('/'))) {
    problems.push(`${at}.path_prefix must be a string starting with "/"`);
    return undefined;
  }
  const ms = count(rule, 'ms', maxDelayMs, at, problems, kind === 'latency');
  const jitterMs = count(rule, 'jitter_ms', maxDelayMs, at, problems, false);
  const retryAfter = count(rule, 'retry_after', 3600, at, problems, false);
  return {
    kind,
    probability,
    ...(pathPrefix === undefined ? {} : { path_prefix: pathPrefix }),
    ...(ms === undefined ? {} : { ms }),
    ...(jitterMs === undefined ? {} : { jitter_ms: jitterMs }),
    ...(retryAfter === undefined ? {} : { retry_after: retryAfter }),
  };
}

function count(
  rule: Record<string, unknown>,
  field: string,
  max: number,
  at: string,
  problems: string[],
  required: boolean,
): number | undefined {
  const value = rule[field];
  if (value === undefined && !required) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max) return value;
  problems.push(`${at}.${field} must be an integer from 0 to ${max}`);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** mulberry32: tiny, fast, and good enough to spread faults; not for anything secret. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private current: FaultConfig = { rules: [], seed: null };
  private random: () => number = Math.random;

  /** Replaces every rule; a seed restarts the sequence, so the same requests meet the same faults. */
  configure(config: FaultConfig): void {
    this.current = config;
    this.random = config.seed === null ? Math.random : seeded(config.seed);
  }

  clear(): void {
    this.configure({ rules: [], seed: null });
  }

  config(): FaultConfig {
    return this.current;
  }

  plan(path: string): FaultPlan {
    let delayMs = 0;
    let terminal: FaultRule | undefined;
    for (const rule of this.current.rules) {
      if (rule.path_prefix !== undefined && !path.startsWith(rule.path_prefix)) continue;
      if (this.random() >= rule.probability) continue;
      if (rule.kind === 'latency') {
        delayMs += (rule.ms ?? 0) + Math.floor(this.random() * ((rule.jitter_ms ?? 0) + 1));
      } else {
        terminal ??= rule;
      }
    }
    if (terminal === undefined || terminal.kind === 'latency') return { delayMs };
    const retryAfter = terminal.retry_after ?? (terminal.kind === 'http_429' ? 1 : undefined);
    return { delayMs, terminal: terminal.kind, ...(retryAfter === undefined ? {} : { retryAfter }) };
  }
}
