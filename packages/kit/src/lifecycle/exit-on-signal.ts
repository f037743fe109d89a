import type { Logger } from 'pino';

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface ExitOnSignalInput {
  /** The shutdown sequence; only whether a closer failed matters here. */
  readonly shutdown: (reason: string) => Promise<{ readonly failedClosers: readonly string[] }>;
  readonly logger: Logger;
  readonly exit: (code: number) => void;
  readonly signals: SignalSource;
}

/**
 * SIGTERM or SIGINT runs `shutdown` once, then exits 0, or 1 when a closer failed or
 * the sequence threw. Later signals are logged and ignored: a second Ctrl-C must not
 * restart a drain halfway through. Returns a function that removes the handlers.
 */
export function exitOnSignal(input: ExitOnSignalInput): () => void {
  const { logger, signals } = input;
  let handled = false;
  const finish = (code: number): void => {
    logger.flush(); // the default stdout destination is synchronous; this covers the others
    input.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (handled) {
      logger.info({ signal }, 'shutdown: already in progress');
      return;
    }
    handled = true;
    input.shutdown(signal).then(
      (report) => finish(report.failedClosers.length === 0 ? 0 : 1),
      (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown: failed');
        finish(1);
      },
    );
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  return () => {
    signals.off('SIGTERM', onSignal);
    signals.off('SIGINT', onSignal);
  };
}
