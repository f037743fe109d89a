/** Settings of `createTracing` (shared with the SDK side it loads when tracing is on). */
export interface TracingOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** OTLP/HTTP base URL (`http://collector:4318`); spans go to `<endpoint>/v1/traces`. Unset: off. */
  readonly endpoint?: string | undefined;
  /** Fraction of new traces recorded (0 … 1); a caller's sampled flag is followed either way. */
  readonly sampleRatio?: number;
  /** How long finished spans wait to be sent in a batch. Default 1 s. */
  readonly exportDelayMs?: number;
}
