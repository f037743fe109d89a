import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLogger } from '../src/logging/index.ts';

/** A parsed pino line; tests assert on its fields. */
export type LogLine = Readonly<Record<string, unknown>>;

export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: () => readonly LogLine[];
  readonly accessLines: () => readonly LogLine[];
}

/** A real logger (redaction and all) writing parsed lines into memory. */
export function captureLogs(level: 'info' | 'debug' = 'info'): CapturedLogs {
  const lines: LogLine[] = [];
  const destination = {
    write(line: string): void {
      lines.push(JSON.parse(line) as LogLine); // pino writes one JSON object per line
    },
  };
  const logger = createLogger({ level, destination });
  return {
    logger,
    lines: () => lines,
    accessLines: () => lines.filter((line) => line.msg === 'request completed'),
  };
}

/** Listens on an ephemeral loopback port and returns the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${portOf(app)}`;
}

export function portOf(app: FastifyInstance): number {
  const address = app.server.address() as AddressInfo; // listening on TCP, so never a pipe name
  return address.port;
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Waits for a condition that I/O will make true (a log line written on the response's
 * `close`, a listener closing), yielding to the event loop between looks. It is not a
 * sleep: it returns as soon as the condition holds, and fails after `timeoutMs`.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
