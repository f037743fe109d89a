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
  /**
   * From the first signal, how long the sequence may take before the process exits 1 whatever
   * is still running (a hung closer, a socket that will not close).
   */
  readonly hardDeadlineMs: number;
}

/**
 * SIGTERM or SIGINT runs `shutdown` once, then exits 0, or 1 when a closer failed, the
 * sequence threw or `hardDeadlineMs` passed first. Logs are flushed before the exit, for at
 * most a second: a log reader that went away must not hold the process. Later signals are
 * logged and ignored: a second Ctrl-C must not restart a drain halfway through. Returns a
 * function that removes the handlers.
 */
export function exitOnSignal(input: ExitOnSignalInput): () => void {
  const { logger, signals } = input;
  let handled = false;
  let exiting = false;
  let hardDeadline: NodeJS.Timeout | undefined;
  const finish = (code: number): void => {
    if (exiting) return;
    exiting = true;
    clearTimeout(hardDeadline);
    // pino hands the callback to the destination's flush; the kit's own bounds its wait.
    let exited = false;
    const exit = (): void => {
      if (exited) return;
      exited = true;
      clearTimeout(flushLimit);
      input.exit(code);
    };
    const flushLimit = setTimeout(exit, 1_000);
    logger.flush(exit);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (handled) {
      logger.info({ signal }, 'shutdown: already in progress');
      return;
    }
    handled = true;
    hardDeadline = setTimeout(() => {
      logger.fatal({ hardDeadlineMs: input.hardDeadlineMs }, 'shutdown: hard deadline passed, exiting');
      finish(1);
    }, input.hardDeadlineMs);
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
