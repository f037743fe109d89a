import { type StatWatcher, unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FlagdCore } from '@openfeature/flagd-core';
import {
  type EvaluationContext,
  type JsonValue,
  type Logger,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
} from '@openfeature/server-sdk';

/**
 * An OpenFeature provider evaluating a flagd-format file with flagd's own evaluator
 * (`@openfeature/flagd-core`: targeting, fractional rollouts, `$flagd` properties). Hand-written
 * because flagd's provider watches the file with Node's default 5 s poll, which cannot apply an
 * edit within 5 s (ADR 0014). A file that fails to parse keeps the last good flags.
 */
export class FlagdFileProvider implements Provider {
  static readonly providerName = 'keelson-flagd-file';
  readonly metadata = { name: FlagdFileProvider.providerName } as const;
  readonly runsOn = 'server';
  readonly events = new OpenFeatureEventEmitter();
  readonly #core = new FlagdCore();
  readonly #file: string;
  readonly #pollMs: number;
  readonly #onReloadError: (error: unknown) => void;
  #watcher: StatWatcher | undefined;

  constructor(file: string, options: { readonly pollMs: number; readonly onReloadError: (error: unknown) => void }) {
    this.#file = file;
    this.#pollMs = options.pollMs;
    this.#onReloadError = options.onReloadError;
  }

  /** Reads the file once (a broken file fails start-up), then polls it for edits. */
  async initialize(): Promise<void> {
    this.#core.setConfigurations(await readFile(this.#file, 'utf8'));
    this.#watcher = watchFile(this.#file, { interval: this.#pollMs, persistent: false }, () => void this.#reload());
  }

  async onClose(): Promise<void> {
    if (this.#watcher !== undefined) unwatchFile(this.#file);
    this.#watcher = undefined;
  }

  async #reload(): Promise<void> {
    try {
      const changed = this.#core.setConfigurations(await readFile(this.#file, 'utf8'));
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed });
    } catch (error) {
      this.#onReloadError(error);
    }
  }

  resolveBooleanEvaluation(key: string, fallback: boolean, context: EvaluationContext, logger: Logger) {
    return Promise.resolve(this.#core.resolveBooleanEvaluation(key, fallback, context, logger));
  }

  resolveStringEvaluation(key: string, fallback: string, context: EvaluationContext, logger: Logger) {
    return Promise.resolve(this.#core.resolveStringEvaluation(key, fallback, context, logger));
  }

  resolveNumberEvaluation(key: string, fallback: number, context: EvaluationContext, logger: Logger) {
    return Promise.resolve(this.#core.resolveNumberEvaluation(key, fallback, context, logger));
  }

  resolveObjectEvaluation<T extends JsonValue>(
    key: string,
    fallback: T,
    context: EvaluationContext,
    logger: Logger,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.#core.resolveObjectEvaluation(key, fallback, context, logger));
  }
}
