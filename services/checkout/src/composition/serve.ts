import { createLogDestination, createLogger } from '@keelson/kit/logging';
import type { Role, Serving } from '../adapters/cli/cli-commands.ts';
import type { Config } from '../config.ts';
import { serviceVersion } from '../version.ts';
import { build } from './build.ts';

/**
 * `keelson serve`: build everything for the role, drain and close on SIGTERM/SIGINT. A second
 * server on the same embedded data directory is refused by the data directory's lock.
 * Logs go to stdout, the usual place for a service, except where the banner must stay
 * readable: with `--json` (stdout carries only the banner's object) and when stdout is a
 * terminal (a person reading the key); then they go to stderr.
 */
export async function serve(config: Config, role: Role, options: { readonly json: boolean }): Promise<Serving> {
  const destination = createLogDestination({ fd: options.json || process.stdout.isTTY ? 2 : 1 });
  const logger = createLogger({
    level: config.logLevel,
    base: { service: 'checkout', version: serviceVersion },
    destination,
  });
  // The banner goes to process.stdout; a reader that went away (EPIPE) must not end the server.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const service = await build(config, { logger, role, logStats: () => destination.stats() });
  const { servers } = service;
  servers.shutdown.installSignalHandlers();
  return {
    apiAddress: servers.apiAddress,
    adminAddress: servers.adminAddress,
    database: service.database,
    demo: servers.demo,
  };
}
