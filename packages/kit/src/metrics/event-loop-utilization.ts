import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/**
 * `nodejs_eventloop_utilization`: the share of wall time the event loop spent running code (not
 * waiting in the poller) since the previous scrape, 0 to 1. It is the USE "utilisation" of the
 * one thread everything runs on; lag (`nodejs_eventloop_lag_*`) only shows once it saturates.
 * Computed on scrape from two `performance.eventLoopUtilization()` readings: no timer.
 */
export function registerEventLoopUtilization(registry: Registry, prefix: string): void {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  new Gauge({
    name: `${prefix}nodejs_eventloop_utilization`,
    help: 'Share of time the event loop was busy since the previous scrape (0 to 1).',
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, last).utilization);
      last = now;
    },
  });
}
