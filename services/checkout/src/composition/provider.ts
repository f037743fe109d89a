import { resolve } from 'node:path';
import type { Closer } from '@keelson/kit/lifecycle';
import type { Tracing } from '@keelson/kit/telemetry';
import { startPspSim } from '@keelson/psp-sim';
import type { Logger } from 'pino';
import { createPspClient, defaultPspPolicy, type PspClient } from '../adapters/psp/psp.http-client.ts';
import type { PaymentProvider } from '../app/ports.ts';
import type { Config } from '../config.ts';
import { type FlagCheck, featureFlags } from './flags.ts';

export interface OpenedProvider {
  readonly client: PspClient;
  /** Where the provider is, for people: the URL, or the in-process simulator and its ledger. */
  readonly description: string;
}

/**
 * The payment provider: `KEELSON_PSP_URL` (Stripe, or a standalone psp-sim), else the simulator
 * in this process on a free loopback port, its ledger durable under the data directory, so the
 * two README commands still need no servers and a restart forgets no charge. The simulator is
 * put on `closers`, so it closes after whatever uses it.
 */
/** What the provider client reports to or asks: traces, and the hedged-reads flag. */
export interface ProviderSeams {
  readonly tracing: Tracing;
  readonly flags: FlagCheck;
}

export async function openProvider(
  config: Config,
  logger: Logger,
  closers: Closer[],
  seams: ProviderSeams,
): Promise<OpenedProvider> {
  let url = config.pspUrl;
  // The host only: a URL may carry credentials.
  let description = url === undefined ? '' : `payment provider at ${new URL(url).host}`;
  if (url === undefined) {
    const sim = await startPspSim({ host: '127.0.0.1', port: 0, dataDir: resolve(config.dataDir, 'psp-sim') });
    closers.push({ name: 'psp-sim', close: () => sim.close() });
    url = sim.url;
    description = `in-process payment-provider simulator at ${sim.url} (ledger ${sim.ledgerLocation})`;
  }
  const client = createPspClient({
    url,
    tracing: seams.tracing,
    hedgeReads: (ctx) => seams.flags(featureFlags.hedgedProviderReads, ctx),
    apiKey: config.pspApiKey,
    logger,
    policy: {
      ...defaultPspPolicy,
      timeout: { ...defaultPspPolicy.timeout, marginMs: config.pspTimeoutMarginMs },
      breaker: {
        ...defaultPspPolicy.breaker,
        volumeThreshold: config.pspBreakerVolume,
        failureRatio: config.pspBreakerFailureRatio,
        halfOpenAfterMs: config.pspBreakerHalfOpenAfterMs,
      },
      bulkhead: { maxConcurrent: config.pspMaxConcurrent, maxQueue: config.pspMaxConcurrent },
    },
  });
  return { client, description };
}

/**
 * A `PaymentProvider` that opens the real one on its first call (once, however many calls race
 * for it), so building the service never starts a simulator nobody uses. `opened()` opens it now.
 */
export function lazyProvider(
  open: () => Promise<OpenedProvider>,
): PaymentProvider & { opened(): Promise<OpenedProvider> } {
  let opening: Promise<OpenedProvider> | undefined;
  let client: PspClient | undefined;
  const opened = (): Promise<OpenedProvider> => {
    opening ??= open().then((provider) => {
      client = provider.client;
      return provider;
    });
    return opening;
  };
  return {
    opened,
    // Not opened yet: no call has been refused, so none would be.
    unavailableForMs: () => client?.unavailableForMs(),
    charge: async (ctx, request) => (await opened()).client.charge(ctx, request),
    refund: async (ctx, request) => (await opened()).client.refund(ctx, request),
    retrieveCharge: async (ctx, id) => (await opened()).client.retrieveCharge(ctx, id),
  };
}
