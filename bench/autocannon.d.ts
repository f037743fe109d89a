// Minimal types for the part of autocannon 9's programmatic API the bench uses
// (the package ships no declarations). See node_modules/autocannon/README.md.
declare module 'autocannon' {
  interface Histogram {
    readonly average: number;
    readonly mean: number;
    readonly stddev: number;
    readonly min: number;
    readonly max: number;
    readonly total: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
  }

  /** One entry of `requests`; `setupRequest` rebuilds it before every send. */
  export interface RequestSpec {
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string | Buffer;
    readonly setupRequest?: (request: {
      readonly method: string;
      readonly path: string;
      readonly headers: Record<string, string>;
      readonly body: string | Buffer;
    }) => RequestSpec;
  }

  interface Options {
    readonly url: string;
    readonly connections?: number;
    readonly duration?: number;
    /** Requests to send before stopping; when set, `duration` is ignored. */
    readonly amount?: number;
    readonly timeout?: number;
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    /** Sequence each connection cycles through; fields override the defaults above. */
    readonly requests?: readonly RequestSpec[];
  }

  interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly duration: number;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    readonly mismatches: number;
    readonly '2xx': number;
    readonly statusCodeStats: Record<string, { readonly count: number }>;
  }

  interface Instance extends PromiseLike<Result> {
    stop(): void;
    /** Every response; `responseTimeMs` is the un-rounded duration (the histogram truncates to whole ms). */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void,
    ): this;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
