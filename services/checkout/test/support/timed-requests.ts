import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/** POSTs `count` times, one after another; request i carries Idempotency-Key `${keyPrefix}-${i}`. */
export interface TimedJob {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, as sent. */
  readonly body: string;
  readonly count: number;
  readonly keyPrefix: string;
  /** Sets X-Request-Deadline this far after each request starts. */
  readonly deadlineMs?: number;
  /**
   * Other requests interleaved with the first (variant 0): request i is variant i mod (1 + this
   * many), so every variant meets the same moments of the machine's load.
   */
  readonly alternate?: readonly {
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  }[];
}

export interface TimedResult {
  /** 0: the job's own request; 1…: its `alternate` requests. */
  readonly variant: number;
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
  /** From just before the request to the last byte of its answer, in the client's process. */
  readonly elapsedMs: number;
}

/**
 * Runs `job` from a client in its own process (started before the clock runs), so the timings
 * are not inflated by the in-process service sharing the test's event loop: what a timing
 * demanded by the issue means is what a client sees.
 */
export async function timedRequests(job: TimedJob): Promise<TimedResult[]> {
  const child = fork(join(import.meta.dirname, 'timed-requests.child.ts'), [], { execArgv: [], stdio: 'inherit' });
  // A child that dies before it answers fails the test instead of hanging it.
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`timed client exited (${code}) before answering`);
  });
  exited.catch(() => {});
  const next = async (): Promise<unknown> => (await Promise.race([once(child, 'message'), exited]))[0];
  try {
    const ready = await next();
    if (ready !== 'ready') throw new Error(`timed client: unexpected ${JSON.stringify(ready)}`);
    child.send(job);
    // The child's documented answer (timed-requests.child.ts).
    const answer = (await next()) as { results?: TimedResult[]; error?: string };
    if (answer.results === undefined) throw new Error(`timed client failed: ${answer.error}`);
    return answer.results;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
