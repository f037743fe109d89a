// The payment-provider simulator under test, as its own pinned process: `startPspSim` from
// @keelson/psp-sim with no faults (0 ms latency) and a durable ledger in the given directory.
// Spawned by bench/run.ts; stops (closing the journal) on SIGTERM/SIGINT.
// Usage: node bench/psp-sim-server.ts <port> <data dir>
import { startPspSim } from '@keelson/psp-sim';

const port = Number(process.argv[2]);
const dataDir = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || dataDir === undefined) {
  throw new Error('usage: node bench/psp-sim-server.ts <port> <data dir>');
}
const sim = await startPspSim({ port, dataDir });
process.stdout.write(`psp-sim listening on ${sim.url} (ledger: ${sim.ledgerLocation})\n`);
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
