import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy a test owns, between a client under test and a real server on 127.0.0.1, so a
 * test can fail the network without touching the shared server:
 * - `stall()`: stop forwarding in both directions while every socket stays open (a network
 *   that swallows packets); new connections are accepted and stalled too. `resume()` undoes it.
 * - `down()`: close the listener and destroy every socket (the proxy was killed); `up()`
 *   listens again on the same port (the database is back).
 * It runs in the test's own event loop: never block it with a synchronous child process while
 * traffic goes through (STACK.md pitfall 15).
 */
export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  proxied(url: string): string;
  stall(): void;
  resume(): void;
  /** Delays every chunk, both directions, by `ms` (order kept): a slow network. 0 = none. */
  setLatency(ms: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  /** Client connections accepted so far (a destroyed and replaced connection counts twice). */
  readonly accepted: number;
  /** Client connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let stalled = false;
  let latencyMs = 0;
  let accepted = 0;
  let port = 0;
  let server: Server | undefined;

  function pipeOne(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      if (latencyMs > 0) {
        // Equal delays fire in the order they were set, so the stream stays in order.
        setTimeout(() => to.writable && to.write(chunk), latencyMs);
        return;
      }
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!stalled) from.resume();
    });
  }

  function onConnection(client: Socket): void {
    accepted += 1;
    const upstream = tcpConnect({ host: target.host, port: target.port });
    const pair = { client, upstream };
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    pipeOne(client, upstream);
    pipeOne(upstream, client);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
  }

  async function listen(): Promise<void> {
    const next = createServer(onConnection);
    next.listen(port, '127.0.0.1');
    await once(next, 'listening');
    const address = next.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    port = address.port;
    server = next;
  }

  async function down(): Promise<void> {
    const current = server;
    server = undefined;
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    if (current !== undefined) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen();
  return {
    get port() {
      return port;
    },
    proxied(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    resume() {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    down,
    up: listen,
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    close: down,
  };
}
