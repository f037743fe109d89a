import { randomUUID } from 'node:crypto';
import { type Client, type EvaluationContext, OpenFeature } from '@openfeature/server-sdk';
import type { Tracing } from '../telemetry/index.ts';
import { FlagdFileProvider } from './flagd-file.provider.ts';

/** What a flag is evaluated against: the tenant, for targeting and percentage rollouts. */
export interface FlagContext {
  readonly tenant?: string | undefined;
  /** The span of the work asking (a request context's `traceparent`): the evaluation is one of its events. */
  readonly traceparent?: string | undefined;
}

/** A flag's evaluation, as hooks and telemetry see it. */
export interface FlagEvaluation {
  readonly key: string;
  readonly value: boolean;
  /** OpenFeature's reason: `STATIC`, `TARGETING_MATCH`, `SPLIT`, `DEFAULT`, `ERROR`, … */
  readonly reason: string;
  readonly tenant: string | undefined;
  /** The variant the file chose (`on`, `off`, …); absent when no file decided (a fallback). */
  readonly variant?: string;
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
  /** Called after every evaluation (a log line, a counter). */
  readonly onEvaluation?: (evaluation: FlagEvaluation) => void;
  /** Every evaluation becomes a `feature_flag.evaluation` event on the span its context names. */
  readonly tracing?: Tracing;
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
  const { file, pollMs = 1_000, onReloadError = () => {} } = options;
  const report = reporter(options, file === undefined ? 'fallback' : FlagdFileProvider.providerName);
  if (file === undefined) {
    return {
      async enabled(key, fallback, context) {
        report({ key, value: fallback, reason: 'DEFAULT', tenant: context.tenant }, context);
        return fallback;
      },
      async close() {},
    };
  }
  const domain = `keelson-flags-${randomUUID()}`;
  const provider = new FlagdFileProvider(file, { pollMs, onReloadError });
  await OpenFeature.setProviderAndWait(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  return {
    async enabled(key, fallback, context) {
      // Never throws: a broken flag answers its fallback with reason ERROR.
      const details = await client.getBooleanDetails(key, fallback, evaluationContext(context));
      report(
        {
          key,
          value: details.value,
          reason: details.reason ?? 'UNKNOWN',
          tenant: context.tenant,
          ...(details.variant === undefined ? {} : { variant: details.variant }),
        },
        context,
      );
      return details.value;
    },
    // The SDK has no per-domain removal; closing the provider stops its file watch, and a
    // closed domain's evaluations answer their fallbacks.
    close: () => provider.onClose(),
  };
}

/**
 * Tells `onEvaluation`, and records the evaluation on the asking span with OpenTelemetry's
 * feature-flag semantic conventions. The targeting key (a tenant id) is left out: the span
 * already belongs to that tenant's request, and an event stays free of anything it was given.
 */
function reporter(options: FlagsOptions, providerName: string) {
  const { onEvaluation, tracing } = options;
  return (evaluation: FlagEvaluation, context: FlagContext): void => {
    onEvaluation?.(evaluation);
    if (tracing?.enabled !== true || context.traceparent === undefined) return;
    tracing.addEvent(context.traceparent, 'feature_flag.evaluation', {
      'feature_flag.key': evaluation.key,
      'feature_flag.provider.name': providerName,
      'feature_flag.result.value': evaluation.value,
      'feature_flag.result.reason': evaluation.reason.toLowerCase(),
      ...(evaluation.variant === undefined ? {} : { 'feature_flag.result.variant': evaluation.variant }),
    });
  };
}
