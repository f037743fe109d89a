import type { DestinationStream } from 'pino';
// CommonJS: the default import is the constructor itself, which also carries itself as `.SonicBoom`
// (the one spelling both its typings and the runtime agree on).
import sonicBoom from 'sonic-boom';

/** What a broken or slow log destination cost: lines that were never written. */
export interface LogDestinationStats {
  /** Lines dropped because the buffer was full (a reader that stopped reading). */
  readonly dropped: number;
  /** Lines lost to write errors (a reader that went away: EPIPE, EBADF…). */
  readonly failed: number;
}

export interface LogDestination extends DestinationStream {
  /** Writes what is buffered; calls back when done, or after `timeoutMs` whatever happened. */
  flush(callback: () => void, timeoutMs?: number): void;
  stats(): LogDestinationStats;
}

export interface LogDestinationOptions {
  /** File descriptor: 1 (stdout, default) or 2 (stderr). */
  readonly fd?: number;
  /** Bytes buffered while the reader is slow; lines beyond are dropped. Default 4 MiB. */
  readonly maxBufferBytes?: number;
}

/**
 * The process's log stream: asynchronous writes through sonic-boom with a bounded buffer, so a
 * log destination can never block the event loop or crash the process. pino's default (a
 * synchronous write per line) busy-waits forever on a full pipe (a log shipper that stopped
 * reading), which also starves the shutdown deadline's timer; and an unhandled write error
 * would end the process. Here a full buffer drops lines and a write error drops them too; both
 * are counted (`stats()`), never thrown. Built on sonic-boom directly, not `pino.destination`,
 * because pino's version registers an exit hook that flushes synchronously, i.e. busy-waits on
 * the same full pipe at `process.exit`.
 *
 * @example
 * ```ts
 * import { createLogDestination, createLogger } from '@keelson/kit/logging';
 * const destination = createLogDestination({ fd: 2 });
 * const logger = createLogger({ level: 'info', destination });
 * logger.info('to stderr, never blocking');
 * destination.flush(() => process.exit(0), 1_000);
 * ```
 */
export function createLogDestination(options: LogDestinationOptions = {}): LogDestination {
  const sonic = new sonicBoom.SonicBoom({
    fd: options.fd ?? 1,
    sync: false,
    minLength: 0,
    maxLength: options.maxBufferBytes ?? 4 * 1024 * 1024,
  });
  let dropped = 0;
  let failed = 0;
  let broken = false;
  // Whether sonic-boom holds bytes not yet written: its own flush() does not wait for them
  // when minLength is 0, so the wait is on its 'drain' (emitted once everything is written).
  let pending = false;
  sonic.on('drop', () => {
    dropped += 1;
  });
  sonic.on('drain', () => {
    pending = false;
  });
  sonic.on('error', () => {
    // The destination is gone (EPIPE) or unusable: stop writing, keep counting what is lost.
    broken = true;
    failed += 1;
  });
  return {
    write(line: string) {
      if (broken) {
        failed += 1;
        return;
      }
      const droppedBefore = dropped;
      sonic.write(line);
      if (dropped === droppedBefore) pending = true;
    },
    flush(callback, timeoutMs = 1_000) {
      if (broken || !pending) {
        callback();
        return;
      }
      let called = false;
      const done = (): void => {
        if (called) return;
        called = true;
        clearTimeout(timer);
        sonic.off('drain', done);
        sonic.off('error', done);
        callback();
      };
      const timer = setTimeout(done, timeoutMs);
      sonic.once('drain', done);
      sonic.once('error', done);
    },
    stats: () => ({ dropped, failed }),
  };
}
