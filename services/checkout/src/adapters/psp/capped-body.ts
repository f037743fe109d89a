/** Issue 7 §2: the provider client gives up reading an answer past 1 MiB. */
export const maxResponseBytes = 1024 * 1024;

/**
 * The provider's answer was larger than the cap. Transient: a proxy or provider fault, not
 * something our request caused, and the same keyed request may get a normal answer next time.
 */
export class ResponseTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number, cause?: unknown) {
    super(`the provider's answer exceeds ${limitBytes} bytes`, cause === undefined ? undefined : { cause });
    this.name = 'ResponseTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/**
 * Reads the body as UTF-8 text, chunk by chunk, and cancels the stream (which closes the
 * connection) as soon as it passes `maxBytes`, so an endless or huge answer never sits in
 * memory whole. A declared Content-Length over the cap is refused before reading anything.
 */
export async function readCappedText(response: Response, maxBytes: number = maxResponseBytes): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new ResponseTooLargeError(maxBytes);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Cancelling undici's body aborts the request: the rest is never downloaded.
      await reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
