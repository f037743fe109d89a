import type { RequestContext } from '@keelson/kit/context';
import type { Shipping } from '../../app/ports.ts';

/**
 * The shipping step of this demo service: it takes `delayMs` and always succeeds. It gives up
 * when the consumer is told to stop (the message is then delivered again).
 */
export function createSimulatedShipping(delayMs: number): Shipping {
  return {
    ship(ctx: RequestContext) {
      return new Promise((resolve, reject) => {
        ctx.signal.throwIfAborted();
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        };
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve();
        }, delayMs);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
