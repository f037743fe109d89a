// The timed client of test/support/timed-requests.ts, in a process of its own: nothing else
// runs on its event loop (not the service, not PGlite's WebAssembly, not the test), so what it
// measures is what a client of the service sees. It waits for one job, runs it, answers, exits.
import type { TimedJob, TimedResult } from './timed-requests.ts';

async function run(job: TimedJob): Promise<TimedResult[]> {
  const results: TimedResult[] = [];
  // Before any clock runs: a new process' first fetch loads undici and opens the connection
  // (tens of ms), which the requests timed after it reuse.
  await (await fetch(new URL('/livez', job.url))).text();
  const variants = [{ url: job.url, headers: job.headers, body: job.body }, ...(job.alternate ?? [])];
  for (let i = 0; i < job.count * variants.length; i++) {
    const variant = variants[i % variants.length];
    if (variant === undefined) break;
    const started = performance.now();
    const headers: Record<string, string> = { ...variant.headers, 'idempotency-key': `${job.keyPrefix}-${i}` };
    if (job.deadlineMs !== undefined) {
      headers['x-request-deadline'] = new Date(Date.now() + job.deadlineMs).toISOString();
    }
    const response = await fetch(variant.url, { method: 'POST', headers, body: variant.body });
    const text = await response.text();
    const elapsedMs = performance.now() - started;
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    results.push({
      variant: i % variants.length,
      status: response.status,
      code,
      retryAfter: response.headers.get('retry-after'),
      elapsedMs,
    });
  }
  return results;
}

process.once('message', (job: TimedJob) => {
  run(job).then(
    (results) => process.send?.({ results }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
process.send?.('ready');
