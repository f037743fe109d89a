import { randomUUID } from 'node:crypto';
import { type Client, type EvaluationContext, type Hook, OpenFeature } from '@openfeature/server-sdk';
import { FlagdFileProvider } from './flagd-file.provider.ts';

/** What a flag is evaluated against: the tenant, for targeting and percentage rollouts. */
export interface FlagContext {
  readonly tenant?: string | undefined;
}

/** A flag's evaluation, as hooks and telemetry see it. */
export interface FlagEvaluation {
  readonly key: string;
  readonly value: boolean;
  /** OpenFeature's reason: `STATIC`, `TARGETING_MATCH`, `SPLIT`, `DEFAULT`, `ERROR`, … */
  readonly reason: string;
  readonly tenant: string | undefined;
}

export interface FlagsOptions {
  /**
   * A flag definition file in flagd's format (https://flagd.dev/reference/flag-definitions/),
   * watched: edits apply within seconds, no restart. Unset: every flag answers its fallback.
   */
  readonly file?: string | undefined;
  /** How often the file is checked for edits. Default 1 s (edits apply within about that). */
  readonly pollMs?: number;
  /** An edit that does not parse keeps the last good flags; this hears why. */
  readonly onReloadError?: (error: unknown) => void;
  /** Called after every evaluation (a span event, a log line, a counter). */
  readonly onEvaluation?: (evaluation: FlagEvaluation) => void;
}

/** Feature flags for kill switches, per-tenant targeting and percentage rollouts. */
export interface Flags {
  /** The flag's value for this context; `fallback` when the flag or the file is missing or broken. */
  enabled(key: string, fallback: boolean, context: FlagContext): Promise<boolean>;
  close(): Promise<void>;
}

function evaluationContext(context: FlagContext): EvaluationContext {
  // The tenant is the targeting key, so fractional rollouts are sticky per tenant.
  return context.tenant === undefined ? {} : { targetingKey: context.tenant, tenant: context.tenant };
}

/**
 * Flags through the OpenFeature server SDK, evaluated by flagd's evaluator over a watched file
 * (offline: no flagd daemon). Each call gets its own OpenFeature domain, so two instances in one
 * process (tests, two services) never share a provider.
 *
 * @example
 * ```ts
 * import { createFlags } from '@keelson/kit/flags';
 * const flags = await createFlags({ file: './flags.json' });
 * const hedge: boolean = await flags.enabled('psp-hedged-reads', true, { tenant: 'ten_1' });
 * await flags.close();
 * ```
 */
export async function createFlags(options: FlagsOptions = {}): Promise<Flags> {
  const { file, onEvaluation, pollMs = 1_000, onReloadError = () => {} } = options;
  if (file === undefined) {
    return {
      async enabled(key, fallback, context) {
        onEvaluation?.({ key, value: fallback, reason: 'DEFAULT', tenant: context.tenant });
        return fallback;
      },
      async close() {},
    };
  }
  const domain = `keelson-flags-${randomUUID()}`;
  const provider = new FlagdFileProvider(file, { pollMs, onReloadError });
  await OpenFeature.setProviderAndWait(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  if (onEvaluation !== undefined) client.addHooks(reportingHook(onEvaluation));
  return {
    enabled: (key, fallback, context) => client.getBooleanValue(key, fallback, evaluationContext(context)),
    // The SDK has no per-domain removal; closing the provider stops its file watch, and a
    // closed domain's evaluations answer their fallbacks.
    close: () => provider.onClose(),
  };
}

function reportingHook(onEvaluation: (evaluation: FlagEvaluation) => void): Hook {
  return {
    finally(hookContext, details) {
      const tenant = hookContext.context.tenant;
      onEvaluation({
        key: hookContext.flagKey,
        value: details.value === true,
        reason: details.reason ?? 'UNKNOWN',
        tenant: typeof tenant === 'string' ? tenant : undefined,
      });
    },
  };
}
