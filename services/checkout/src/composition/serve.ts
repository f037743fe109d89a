import { createLogDestination, createLogger } from '@keelson/kit/logging';
import type { Config } from '../config.ts';
import { serviceVersion } from '../version.ts';
import { startService } from './start-service.ts';
import { printWelcome } from './welcome.ts';

/**
 * `keelson serve`: start everything, drain and close on SIGTERM/SIGINT. A second server on the
 * same embedded data directory is refused by the data-directory lock (see open-database.ts).
 * With `--json`, stdout carries only the one JSON object describing the server; logs go to stderr.
 */
export async function serve(config: Config, json: boolean): Promise<number> {
  const logger = createLogger({
    level: config.logLevel,
    base: { service: 'checkout', version: serviceVersion },
    ...(json ? { destination: createLogDestination({ fd: 2 }) } : {}),
  });
  // The banner goes to process.stdout; a reader that went away (EPIPE) must not end the server.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const service = await startService(config, { logger });
  service.shutdown.installSignalHandlers();
  printWelcome(service, json);
  return 0;
}
