import type { RequestContext } from '@keelson/kit/context';
import { createPolicy, type Policy, type PolicyConfig } from '@keelson/kit/resilience';
import { SpanKind, SpanStatusCode, type Tracing } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import type { PaymentProvider } from '../../app/ports.ts';
import { maxResponseBytes } from './capped-body.ts';
import { classifyPspFailure, toPspAppError } from './psp-failures.ts';
import { chargeOutcomeOf, providerChargeOf, refundOutcomeOf } from './stripe-answers.ts';
import { createStripeSend, type StripeAnswer, type StripeRequest } from './stripe-http.ts';

/** The provider's policy as plain data (from config), plus when a read is hedged. */
export interface PspPolicySettings extends Omit<PolicyConfig, 'name'> {
  /** `retrieveCharge` starts a second read when the first has not answered after this long. */
  readonly hedgeAfterMs: number;
}

/**
 * Issue 7 §2's numbers: 3 attempts with full jitter, a 10% retry budget, a breaker that needs
 * 20 calls in 10 s before it judges, 2 half-open probes.
 */
export const defaultPspPolicy: PspPolicySettings = {
  timeout: { marginMs: 50 },
  retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 },
  retryBudget: { ratio: 0.1, minRetriesPerSecond: 1, windowMs: 10_000 },
  breaker: { volumeThreshold: 20, failureRatio: 0.5, windowMs: 10_000, halfOpenAfterMs: 5_000, halfOpenProbes: 2 },
  bulkhead: { maxConcurrent: 64, maxQueue: 64 },
  hedgeAfterMs: 200,
};

export interface PspClientOptions {
  /** `https://api.stripe.com` or the simulator's URL. */
  readonly url: string;
  /** A Stripe secret key (`sk_test_…`). */
  readonly apiKey: string;
  readonly policy: PspPolicySettings;
  /** Breaker state changes are logged here. */
  readonly logger: Logger;
  /** The retry jitter's random source; tests pass a fixed one. */
  readonly random?: () => number;
  /** Whether a read is hedged for this caller (a feature flag); default: always. */
  readonly hedgeReads?: (ctx: RequestContext) => Promise<boolean>;
  /** A CLIENT span per provider call, child of the caller's traceparent. */
  readonly tracing?: Tracing;
}

/** The provider client plus its policy, for `registerPolicyMetrics` in the composition root. */
export interface PspClient extends PaymentProvider {
  readonly policy: Pick<Policy, 'name' | 'state' | 'stats'>;
}

/**
 * The one payment-provider client: Stripe's API (PaymentIntents and Refunds) under one
 * resilience policy named `psp`. Every write carries the caller's idempotency key, so every
 * call is safe to retry; a declined card is an outcome, never an error.
 *
 * @example
 * ```ts
 * const psp = createPspClient({ url: 'https://api.stripe.com', apiKey: 'sk_test_…', policy: defaultPspPolicy, logger });
 * const outcome = await psp.charge(ctx, { paymentId: 'pay_1', idempotencyKey: 'pay_1', amount: 1500, currency: 'USD', paymentMethod: 'pm_card_visa' });
 * ```
 */
export function createPspClient(options: PspClientOptions): PspClient {
  const url = new URL(options.url);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    // Not echoed: a URL may carry credentials.
    throw new RangeError('The payment provider URL must be http(s), without query or fragment.');
  }
  const { hedgeAfterMs, ...config } = options.policy;
  const policy = createPolicy({
    ...config,
    name: 'psp',
    logger: options.logger,
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  const send = createStripeSend({ url: options.url, apiKey: options.apiKey, maxResponseBytes });

  /** One call under the policy; `interpret` turns the expected answers into data and throws the rest. */
  async function call<T>(
    ctx: RequestContext,
    request: Omit<StripeRequest, 'signal'>,
    interpret: (answer: StripeAnswer) => T,
    hedged = false,
  ): Promise<T> {
    const attempt = async (signal: AbortSignal): Promise<T> => interpret(await send({ ...request, signal }));
    // Named by template: ids in the path would make every span name unique.
    const template = request.path.replace(/\/v1\/(\w+)\/[^/]+/, '/v1/$1/{id}');
    const span = options.tracing?.startSpan(`${request.method} ${template}`, {
      kind: SpanKind.CLIENT,
      parent: ctx.traceparent,
      attributes: { 'http.request.method': request.method, 'server.address': url.host, 'url.template': template },
    });
    try {
      return hedged && (await (options.hedgeReads?.(ctx) ?? true))
        ? await policy.hedge(ctx, attempt, classifyPspFailure, { afterMs: hedgeAfterMs })
        : await policy.execute(ctx, attempt, classifyPspFailure);
    } catch (error) {
      span?.setStatus({ code: SpanStatusCode.ERROR });
      throw toPspAppError(error);
    } finally {
      span?.end();
    }
  }

  return {
    policy,
    unavailableForMs: () => policy.refusalMs(),
    charge: (ctx, request) =>
      call(
        ctx,
        {
          method: 'POST',
          path: '/v1/payment_intents',
          idempotencyKey: request.idempotencyKey,
          params: {
            amount: request.amount,
            // Stripe spells currencies in lower case; the domain in ISO-4217's upper case.
            currency: request.currency.toLowerCase(),
            payment_method: request.paymentMethod,
            // Cards only, so a server-side confirm needs no return_url on a real account.
            payment_method_types: ['card'],
            confirm: true,
            metadata: { keelson_payment_id: request.paymentId },
          },
        },
        chargeOutcomeOf,
      ),
    refund: (ctx, request) =>
      call(
        ctx,
        {
          method: 'POST',
          path: '/v1/refunds',
          idempotencyKey: request.idempotencyKey,
          params: {
            payment_intent: request.providerPaymentId,
            amount: request.amount,
            metadata: { keelson_refund_id: request.refundId },
          },
        },
        refundOutcomeOf,
      ),
    retrieveCharge: (ctx, providerPaymentId) =>
      call(
        ctx,
        {
          method: 'GET',
          path: `/v1/payment_intents/${encodeURIComponent(providerPaymentId)}`,
          // The refunded amount lives on the Charge.
          params: { expand: ['latest_charge'] },
        },
        providerChargeOf,
        true,
      ),
  };
}
