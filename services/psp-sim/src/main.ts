// Standalone simulator: `npm run psp-sim`. Configuration is read here, once:
//   PSP_SIM_PORT      default 8081
//   PSP_SIM_HOST      default 127.0.0.1 (loopback only)
//   PSP_SIM_DATA_DIR  durable ledger directory; unset: memory only
//   PSP_SIM_LOG       "requests" logs every request as JSON lines on stdout; default quiet
import { startPspSim } from './index.ts';

interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir?: string;
  readonly logRequests: boolean;
}

function readConfig(env: NodeJS.ProcessEnv): Config | readonly string[] {
  const problems: string[] = [];
  const rawPort = env.PSP_SIM_PORT || '8081';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535) problems.push(`PSP_SIM_PORT=${rawPort} is not a port number (0-65535)`);
  const host = env.PSP_SIM_HOST || '127.0.0.1';
  const log = env.PSP_SIM_LOG || '';
  if (log !== '' && log !== 'requests') problems.push(`PSP_SIM_LOG=${log}: expected "requests" or unset`);
  if (problems.length > 0) return problems;
  const dataDir = env.PSP_SIM_DATA_DIR || undefined;
  return { host, port, ...(dataDir === undefined ? {} : { dataDir }), logRequests: log === 'requests' };
}

const config = readConfig(process.env);
if (Array.isArray(config)) {
  for (const problem of config) console.error(`psp-sim: ${problem}`);
  process.exit(2);
}
// Not an array, so the Config branch of the union.
const { logRequests, ...options } = config as Config;
const sim = await startPspSim({ ...options, logger: logRequests });
console.log(`psp-sim listening on ${sim.url} (ledger: ${sim.ledgerLocation})`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('psp-sim: close failed', error);
        process.exit(1);
      },
    );
  });
}
