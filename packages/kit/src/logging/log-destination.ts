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
  /**
   * Lines are gathered until this many bytes, or until {@link flushIntervalMs} passes, then
   * written in one call. Default 8 KiB: a busy server writes its access lines a few dozen
   * times a second instead of once per line (one write per line was 10–12 % of a cached
   * read's CPU). 0 writes each line as it comes.
   */
  readonly batchBytes?: number;
  /** Longest a line waits in a batch. Default 100 ms. */
  readonly flushIntervalMs?: number;
}

/**
 * The process's log stream: asynchronous writes through sonic-boom with a bounded buffer, so a
 * log destination can never block the event loop or crash the process. pino's default (a
 * synchronous write per line) busy-waits forever on a full pipe (a log shipper that stopped
 * reading), which also starves the shutdown deadline's timer; and an unhandled write error
 * would end the process. Here a full buffer drops lines and a write error drops them too; both
 * are counted (`stats()`), never thrown. Built on sonic-boom directly, not `pino.destination`,
 * because pino's version registers an exit hook that flushes synchronously, i.e. busy-waits on
 * the same full pipe at `process.exit`. Lines are batched (`batchBytes`, `flushIntervalMs`);
 * `flush` writes what is batched, and shutdown calls it, so no line is lost on SIGTERM.
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
  const batchBytes = options.batchBytes ?? 8 * 1024;
  const sonic = new sonicBoom.SonicBoom({
    fd: options.fd ?? 1,
    sync: false,
    minLength: batchBytes,
    ...(batchBytes > 0 ? { periodicFlush: options.flushIntervalMs ?? 100 } : {}),
    maxLength: options.maxBufferBytes ?? 4 * 1024 * 1024,
  });
  let dropped = 0;
  let failed = 0;
  let broken = false;
  // Whether a line was handed over since the last flush: an idle destination's flush returns at once.
  let pending = false;
  sonic.on('drop', () => {
    dropped += 1;
  });
  // Unbatched, 'drain' means everything was written. Batched, it only means the last write ended
  // with at most a batch left, so there `flush` below asks sonic-boom for everything instead.
  if (batchBytes === 0)
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
        callback();
      };
      const timer = setTimeout(done, timeoutMs);
      pending = false;
      // sonic-boom writes every batched byte, then calls back (after an fsync, whose EINVAL on a
      // pipe is of no concern here: the bytes were written); an error calls back too.
      if (batchBytes > 0) sonic.flush(() => done());
      else {
        sonic.once('drain', done);
        sonic.once('error', done);
      }
    },
    stats: () => ({ dropped, failed }),
  };
}
