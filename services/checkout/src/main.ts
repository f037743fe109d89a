// Entry point: `node services/checkout/src/main.ts <command>` (npm start = serve). The CLI
// adapter parses and prints; the composition root does the work.
import { runCli } from './adapters/cli/run-cli.ts';
import { cliCommands } from './composition/cli-commands.ts';

process.exitCode = await runCli(process.argv.slice(2), cliCommands(process.env));
