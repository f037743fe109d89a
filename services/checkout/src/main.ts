// Composition root entry: `node services/checkout/src/main.ts <command>` (npm start = serve).
import { runCli } from './composition/cli.ts';

process.exitCode = await runCli(process.argv.slice(2), process.env);
