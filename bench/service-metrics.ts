/**
 * What the service itself says happened during a scenario, from its admin `/metrics`: product
 * cache reads by result and rate-limit decisions by store. Read before and after a window, the
 * difference shows whether a "warm" read was served from the cache (and which limiter decided).
 */

export type Counters = Readonly<Record<string, number>>;

/** `cache_requests_total{cache="products",result=…}` and `rate_limit_decisions_total{outcome,source}`. */
const wanted = [
  { metric: 'cache_requests_total', key: (labels: Labels) => labels.cache === 'products' && `cache ${labels.result}` },
  {
    metric: 'rate_limit_decisions_total',
    key: (labels: Labels) => `rate limit ${labels.outcome ?? '?'} by ${labels.source ?? '?'}`,
  },
] as const;

type Labels = Readonly<Record<string, string>>;

function labelsOf(text: string): Labels {
  const labels: Record<string, string> = {};
  for (const [, name = '', value = ''] of text.matchAll(/(\w+)="([^"]*)"/g)) labels[name] = value;
  return labels;
}

export function parseCounters(exposition: string): Counters {
  const counters: Record<string, number> = {};
  for (const line of exposition.split('\n')) {
    const match = /^(\w+)\{([^}]*)\}\s+(\S+)$/.exec(line);
    if (match === null) continue;
    const [, metric, labelText = '', value] = match;
    for (const w of wanted) {
      if (!metric?.endsWith(w.metric)) continue;
      const key = w.key(labelsOf(labelText));
      if (key !== false) counters[key] = (counters[key] ?? 0) + Number(value);
    }
  }
  return counters;
}

export async function readCounters(adminUrl: string): Promise<Counters> {
  const response = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${adminUrl}/metrics answered ${response.status}`);
  return parseCounters(text);
}

/** after − before, keeping only what moved. */
export function counterDelta(before: Counters, after: Counters): Counters {
  const moved: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d !== 0) moved[key] = d;
  }
  return moved;
}

/** Sums the per-round deltas of one scenario. */
export function addCounters(a: Counters, b: Counters): Counters {
  const sum: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}
