import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as a receiver must verify it. */
  readonly body: string;
}

/** What the receiver does with its `n`-th request (1 = the first): a status, or never answer. */
export type Respond = (n: number, request: ReceivedRequest) => number | 'hang';

/**
 * A webhook receiver the test runs on 127.0.0.1: records every request and counts TCP
 * connections, so a refused delivery can be shown to have made none. Answers carry a body the
 * service must never show (`receiver-secret-body`).
 */
export async function startWebhookReceiver(respond: Respond) {
  const received: ReceivedRequest[] = [];
  let connections = 0;
  let hanging = 0;
  let behaviour = respond;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const answer = behaviour(received.length, entry);
      if (answer === 'hang') {
        hanging += 1;
        response.on('close', () => {
          hanging -= 1;
        });
        return;
      }
      response.writeHead(answer, { 'content-type': 'text/plain', location: 'http://127.0.0.1:1/elsewhere' });
      response.end('receiver-secret-body');
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    connections: () => connections,
    /** Requests held open right now. */
    hanging: () => hanging,
    respondWith(next: Respond) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Waits until `condition` holds, checking every 20 ms, failing after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
