import type { Config } from '../config.ts';
import { findRunningServer } from './embedded-state.ts';
import { startService } from './start-service.ts';
import { printWelcome } from './welcome.ts';

/** `keelson serve`: start everything, drain and close on SIGTERM/SIGINT. */
export async function serve(config: Config, json: boolean): Promise<number> {
  const holder = config.databaseUrl === undefined ? findRunningServer(config.dataDir) : undefined;
  if (holder) throw new Error(`another Keelson server (pid ${holder.pid}) already holds ${config.dataDir}`);
  const service = await startService(config);
  service.shutdown.installSignalHandlers();
  printWelcome(service, json);
  return 0;
}
