import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An attribute as OTLP JSON carries it: `{ key, value: { stringValue } }`, `{ intValue }`, … */
export interface ReceivedAttribute {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

/** A span as OTLP/HTTP JSON carries it (ids are hex strings). */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes?: readonly ReceivedAttribute[];
  readonly events?: readonly { readonly name: string; readonly attributes?: readonly ReceivedAttribute[] }[];
  /** `code` 2 is ERROR. */
  readonly status?: { readonly code?: number };
  readonly links?: readonly { readonly traceId: string; readonly spanId: string }[];
}

interface ExportRequest {
  readonly resourceSpans?: readonly { readonly scopeSpans?: readonly { readonly spans?: readonly ReceivedSpan[] }[] }[];
}

/**
 * The smallest OTLP/HTTP trace receiver: it accepts `POST /v1/traces` in JSON, as the exporter
 * sends it, and keeps every span and the raw bodies (to grep them for secrets).
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      bodies.push(body);
      if (request.url === '/v1/traces' && request.headers['content-type']?.startsWith('application/json')) {
        // The exporter's JSON encoding of ExportTraceServiceRequest.
        const parsed = JSON.parse(body) as ExportRequest;
        for (const resource of parsed.resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
