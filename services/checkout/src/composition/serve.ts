import type { Config } from '../config.ts';
import { startService } from './start-service.ts';
import { printWelcome } from './welcome.ts';

/**
 * `keelson serve`: start everything, drain and close on SIGTERM/SIGINT. A second server on the
 * same embedded data directory is refused by the data-directory lock (see open-database.ts).
 */
export async function serve(config: Config, json: boolean): Promise<number> {
  const service = await startService(config);
  service.shutdown.installSignalHandlers();
  printWelcome(service, json);
  return 0;
}
