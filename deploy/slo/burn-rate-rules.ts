import type { Slo, Window } from './slos.ts';

// Multi-window, multi-burn-rate alerting as the Google SRE workbook (ch. 5) sets it out: page
// when the budget burns 14.4× too fast over 1 h (2% of a 30-day budget) confirmed over 5 m, or
// 6× over 6 h confirmed over 30 m; open a ticket at 1× over 3 d confirmed over 6 h. The short
// window makes an alert stop soon after the burn stops.

export interface BurnWindow {
  readonly long: Window;
  readonly short: Window;
  readonly factor: number;
}

export const pageWindows: readonly BurnWindow[] = [
  { long: '1h', short: '5m', factor: 14.4 },
  { long: '6h', short: '30m', factor: 6 },
];
export const ticketWindows: readonly BurnWindow[] = [{ long: '3d', short: '6h', factor: 1 }];

/** Every window a rule reads, recorded once per SLO. */
export const recordedWindows: readonly Window[] = ['5m', '30m', '1h', '6h', '3d'];

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** The fraction of events allowed to be bad: 1 − objective, without float noise (0.001, not 0.0010000000000000009). */
export const errorBudget = (slo: Slo) => Number((1 - slo.objective).toPrecision(6));

export const errorRatioRecord = (window: Window) => `slo:error_ratio:rate${window}`;

function condition(slo: Slo, windows: readonly BurnWindow[]): string {
  const series = (window: Window) => `${errorRatioRecord(window)}{slo="${slo.name}"}`;
  return windows
    .map(({ long, short, factor }) => {
      const threshold = Number((factor * errorBudget(slo)).toPrecision(6));
      return `(${series(long)} > ${threshold} and ${series(short)} > ${threshold})`;
    })
    .join('\nor\n');
}

function alertOf(slo: Slo, speed: 'fast' | 'slow', runbookBase: string): AlertingRule {
  const fast = speed === 'fast';
  const windows = fast ? pageWindows : ticketWindows;
  return {
    alert: `${slo.alert}Burn${fast ? 'Fast' : 'Slow'}`,
    expr: condition(slo, windows),
    labels: { severity: fast ? 'page' : 'ticket', slo: slo.name },
    annotations: {
      summary: `${slo.name}: the error budget burns ${fast ? 'fast' : 'steadily'}`,
      description: `${slo.description} Burn over ${windows.map((w) => `${w.long}/${w.short} > ${w.factor}×`).join(' or ')} of the budget.`,
      runbook_url: `${runbookBase}${slo.name.replaceAll('_', '-')}.md#${fast ? 'fast-burn-page' : 'slow-burn-ticket'}`,
    },
  };
}

/** One group per SLO: its error ratio recorded per window, then its page and ticket alerts. */
export function ruleGroups(slos: readonly Slo[], runbookBase: string): RuleGroup[] {
  return slos.map((slo) => ({
    name: `slo-${slo.name}`,
    rules: [
      ...recordedWindows.map((window) => ({
        record: errorRatioRecord(window),
        expr: slo.errorRatio(window),
        labels: { slo: slo.name },
      })),
      alertOf(slo, 'fast', runbookBase),
      alertOf(slo, 'slow', runbookBase),
    ],
  }));
}
