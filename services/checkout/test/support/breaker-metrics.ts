import type { TestService } from './service.ts';

/** `dependency_breaker_state{dependency}` on the admin port's /metrics: 0 closed, 1 half-open, 2 open. */
const states = ['closed', 'half_open', 'open'] as const;

async function metricsText(service: TestService): Promise<string> {
  const response = await fetch(`${service.adminUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics: ${response.status}`);
  return response.text();
}

/** One sample's value (0 when the series is not there yet); `labels` as they are written, e.g. `dependency="psp"`. */
export async function metricValue(service: TestService, name: string, labels: string): Promise<number> {
  const line = (await metricsText(service)).split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The provider's circuit as the service reports it to Prometheus. */
export async function breakerState(service: TestService): Promise<(typeof states)[number]> {
  const value = await metricValue(service, 'dependency_breaker_state', 'dependency="psp"');
  return states[value] ?? 'closed';
}
