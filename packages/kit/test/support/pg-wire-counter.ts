import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that reads the frontend protocol going through it and counts
 * what the clients ask for: statements (each simple-query statement, each extended-protocol
 * Execute) by their SQL text, and round trips (a simple Query or a Sync each: the client then
 * waits for ReadyForQuery). Needs no server setting, unlike `log_statement`. Loopback only.
 */
export interface WireCounts {
  readonly roundTrips: number;
  readonly statements: number;
  /** Statement text (whitespace collapsed) → times run. */
  readonly byText: ReadonlyMap<string, number>;
}

export interface PgWireCounter {
  /** `postgres://…` URL of the proxy: the target's URL with host and port replaced. */
  readonly url: string;
  /** Counts since the last `reset`. */
  snapshot(): WireCounts;
  reset(): void;
  close(): Promise<void>;
}

const sslRequestCode = 80877103;
const gssEncRequestCode = 80877104;

export async function startPgWireCounter(targetUrl: string): Promise<PgWireCounter> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  let roundTrips = 0;
  let statements = 0;
  let byText = new Map<string, number>();
  const count = (text: string): void => {
    statements += 1;
    const key = text.replace(/\s+/g, ' ').trim();
    byText.set(key, (byText.get(key) ?? 0) + 1);
  };
  const sockets = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: targetPort });
    sockets.add(client).add(upstream);
    const forget = (): void => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    upstream.pipe(client);

    // Per connection: bytes not yet parsed, whether the startup message was seen, and the SQL of
    // prepared statements by name ('' = the unnamed one, re-parsed before each unnamed Execute).
    let pending: Buffer = Buffer.alloc(0);
    let started = false;
    const prepared = new Map<string, string>();
    let portalText = '';
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          started = code !== sslRequestCode && code !== gssEncRequestCode;
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) return;
        const type = String.fromCharCode(pending[0] ?? 0);
        const body = pending.subarray(5, 1 + length);
        pending = pending.subarray(1 + length);
        if (type === 'Q') {
          roundTrips += 1;
          const text = cString(body, 0).text;
          // "SET …; BEGIN" is two statements in one round trip.
          for (const part of text.split(';')) if (part.trim() !== '') count(part);
        } else if (type === 'P') {
          const name = cString(body, 0);
          prepared.set(name.text, cString(body, name.next).text);
        } else if (type === 'B') {
          const portal = cString(body, 0);
          portalText = prepared.get(cString(body, portal.next).text) ?? '?';
        } else if (type === 'E') {
          count(portalText);
        } else if (type === 'S') {
          roundTrips += 1;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the counter did not get a TCP port');
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    snapshot: () => ({ roundTrips, statements, byText: new Map(byText) }),
    reset() {
      roundTrips = 0;
      statements = 0;
      byText = new Map();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A NUL-terminated string at `offset` and where the next field starts. */
function cString(buffer: Buffer, offset: number): { text: string; next: number } {
  const end = buffer.indexOf(0, offset);
  const stop = end === -1 ? buffer.length : end;
  return { text: buffer.toString('utf8', offset, stop), next: stop + 1 };
}
