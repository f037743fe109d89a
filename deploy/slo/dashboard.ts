import { errorBudget, errorRatioRecord } from './burn-rate-rules.ts';
import type { Slo } from './slos.ts';

// A Grafana dashboard (JSON model, schema 39) over the recorded series: per SLO, the burn rate
// over the alerting windows (1 = spending the budget exactly as fast as allowed) and the error
// ratio over 3 days against the objective. Import it and pick the Prometheus data source.

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const datasource = { type: 'prometheus', uid: '${datasource}' };

function burnPanel(slo: Slo, index: number) {
  const budget = errorBudget(slo);
  return {
    id: index * 2 + 1,
    type: 'timeseries',
    title: `${slo.name}: burn rate`,
    description: slo.description,
    datasource,
    gridPos: { h: 8, w: 16, x: 0, y: index * 8 },
    fieldConfig: {
      defaults: {
        unit: 'x',
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'green', value: null },
            { color: 'orange', value: 6 },
            { color: 'red', value: 14.4 },
          ],
        },
        custom: { thresholdsStyle: { mode: 'line' } },
      },
      overrides: [],
    },
    targets: ['1h', '6h', '3d'].map((window, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource,
      expr: `${errorRatioRecord(window)}{slo="${slo.name}"} / ${budget}`,
      legendFormat: window,
    })),
  };
}

function ratioPanel(slo: Slo, index: number) {
  return {
    id: index * 2 + 2,
    type: 'stat',
    title: `${slo.name}: good events over 3 d (objective ${slo.objective * 100}%)`,
    datasource,
    gridPos: { h: 8, w: 8, x: 16, y: index * 8 },
    fieldConfig: {
      defaults: {
        unit: 'percentunit',
        decimals: 3,
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'red', value: null },
            { color: 'green', value: slo.objective },
          ],
        },
      },
      overrides: [],
    },
    targets: [{ refId: 'A', datasource, expr: `1 - ${errorRatioRecord('3d')}{slo="${slo.name}"}` }],
  };
}

export function dashboard(slos: readonly Slo[]) {
  return {
    uid: 'keelson-slo',
    title: 'Keelson checkout: SLOs and error budgets',
    tags: ['keelson', 'slo'],
    schemaVersion: 39,
    time: { from: 'now-3d', to: 'now' },
    refresh: '1m',
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
    panels: slos.flatMap((slo, index) => [burnPanel(slo, index), ratioPanel(slo, index)]),
  };
}
