import { readFileSync } from 'node:fs';
import type { LoadSpec } from './load-autocannon.ts';
import type { Measurement } from './measurement.ts';

/*
 * Issue 9 §6: "RSS after 1M requests < 256 MiB". `--rss-requests N` sends N warm
 * `GET /v1/products/{id}` in chunks of `every` (autocannon `amount`, one child per chunk, no
 * warm-up) and reads the server's resident set (VmRSS of /proc/<pid>/status) before, after
 * each chunk, and at the end. A leak shows as a climb from chunk to chunk, not as the level.
 */

export const rssTargetMiB = 256;

export interface RssSample {
  /** Requests sent so far (0 = before the soak). */
  readonly requests: number;
  readonly rssMiB: number;
}

export interface RssSoak {
  readonly scenario: string;
  readonly requests: number;
  readonly connections: number;
  readonly samples: readonly RssSample[];
  readonly peakMiB: number;
  readonly finalMiB: number;
  readonly targetMiB: number;
  readonly meetsTarget: boolean;
  /** Answers other than 2xx, errors and timeouts over the whole soak (0 for a clean one). */
  readonly failures: number;
}

/** VmRSS of a live process in MiB (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round((Number(kib) / 1024) * 10) / 10;
}

export async function runRssSoak(options: {
  readonly pid: number;
  readonly requests: number;
  readonly every: number;
  /** The warm GET's spec; `amount` replaces its windows. */
  readonly spec: LoadSpec;
  readonly load: (spec: LoadSpec) => Promise<Measurement>;
  readonly log: (message: string) => void;
}): Promise<RssSoak> {
  const samples: RssSample[] = [{ requests: 0, rssMiB: rssMiB(options.pid) }];
  let sent = 0;
  let failures = 0;
  while (sent < options.requests) {
    const amount = Math.min(options.every, options.requests - sent);
    const m = await options.load({ ...options.spec, amount, warmupS: 0 });
    sent += amount;
    failures += m.non2xx + m.errors + m.timeouts;
    const sample = { requests: sent, rssMiB: rssMiB(options.pid) };
    samples.push(sample);
    options.log(`RSS after ${sent} requests: ${sample.rssMiB} MiB (${Math.round(m.rate)} rps)`);
  }
  const peakMiB = Math.max(...samples.map((s) => s.rssMiB));
  const finalMiB = samples.at(-1)?.rssMiB ?? Number.NaN;
  return {
    scenario: options.spec.scenario,
    requests: sent,
    connections: options.spec.connections,
    samples,
    peakMiB,
    finalMiB,
    targetMiB: rssTargetMiB,
    meetsTarget: finalMiB < rssTargetMiB,
    failures,
  };
}

export function rssLines(soak: RssSoak | undefined): string[] {
  if (soak === undefined) return [];
  const verdict = soak.meetsTarget ? 'met' : 'NOT met';
  return [
    `RSS of the service after ${soak.requests} warm GETs: ${soak.finalMiB} MiB (target < ${soak.targetMiB} MiB: ${verdict}); peak ${soak.peakMiB} MiB` +
      (soak.failures > 0 ? `; ⚠ ${soak.failures} failed requests` : ''),
    `  VmRSS by requests sent: ${soak.samples.map((s) => `${s.requests}: ${s.rssMiB}`).join(', ')}`,
  ];
}
