/**
 * Request-duration buckets (seconds): Prometheus' defaults plus 0.3, the latency SLO's
 * threshold (deploy/slo/slos.ts), which must be a bucket edge for the SLI to be exact.
 * A test holds the two together.
 */
export const httpDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10] as const;
