import net from 'node:net';

/** The answer to one request: its status and body, or the transport error. */
export type RawAnswer = { readonly status: number; readonly body: Buffer } | { readonly error: Error };

/**
 * An open-loop HTTP/1.1 client for the ramp's generator (ADR 0019): keep-alive sockets, one
 * request at a time on each, a new socket whenever every open one is busy (a slow server never
 * holds the schedule back). Requests are pre-serialised bytes; an answer is read by its status
 * line and `content-length` (the service always sends one; chunked answers are not supported).
 * It costs the load core about half of what `node:http` or undici cost a request (47 vs 98 µs
 * measured against bare Fastify at 3 000 req/s), so the generator's own delays stay out of the
 * latencies it measures.
 */
export interface RawHttpClient {
  send(request: Buffer, done: (answer: RawAnswer) => void): void;
  /** Sockets opened so far. */
  opened(): number;
  close(): void;
}

/** An answer not complete after this long fails the request (and closes its socket). */
const answerTimeoutMs = 30_000;

class Connection {
  private buffered: Buffer | undefined;
  private waiting: ((answer: RawAnswer) => void) | undefined;
  readonly socket: net.Socket;

  constructor(host: string, port: number, onIdle: (c: Connection) => void, onGone: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      const answer = this.read(chunk);
      if (answer === undefined) return;
      const done = this.waiting;
      this.waiting = undefined;
      this.socket.setTimeout(0);
      onIdle(this);
      done?.(answer);
    });
    const fail = (error: Error) => {
      const done = this.waiting;
      this.waiting = undefined;
      onGone(this);
      done?.({ error });
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
    this.socket.on('timeout', () => this.socket.destroy(new Error('client timeout')));
  }

  send(request: Buffer, done: (answer: RawAnswer) => void): void {
    this.waiting = done;
    this.socket.setTimeout(answerTimeoutMs);
    this.socket.write(request);
  }

  /** Appends a chunk; returns the answer once it is complete. */
  private read(chunk: Buffer): { status: number; body: Buffer } | undefined {
    const data = this.buffered === undefined ? chunk : Buffer.concat([this.buffered, chunk]);
    this.buffered = data;
    const headEnd = data.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    // "HTTP/1.1 503 …": the status is bytes 9–11.
    const status = Number(data.toString('latin1', 9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(data.toString('latin1', 0, headEnd))?.[1];
    const end = headEnd + 4 + Number(length ?? 0);
    if (data.length < end) return undefined;
    this.buffered = data.length > end ? data.subarray(end) : undefined;
    return { status, body: data.subarray(headEnd + 4, end) };
  }
}

export function createRawHttpClient(host: string, port: number): RawHttpClient {
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  let opened = 0;
  const onIdle = (c: Connection) => idle.push(c);
  const onGone = (c: Connection) => {
    all.delete(c);
    const at = idle.indexOf(c);
    if (at >= 0) idle.splice(at, 1);
  };
  return {
    send(request, done) {
      let c = idle.pop();
      if (c === undefined) {
        c = new Connection(host, port, onIdle, onGone);
        all.add(c);
        opened++;
      }
      c.send(request, done);
    },
    opened: () => opened,
    close() {
      for (const c of all) c.socket.destroy();
    },
  };
}
