// `npm run slo`: writes the Prometheus rules and the Grafana dashboard generated from
// deploy/slo/slos.ts. `--runbook-base URL` makes runbook links absolute (your repository's
// docs/runbooks/ URL); `--check` writes nothing and exits 1 if a committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRunbookBase, generate } from '../deploy/slo/generate.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'runbook-base': { type: 'string', default: defaultRunbookBase }, check: { type: 'boolean' } },
});
const files = generate(values['runbook-base']);
let stale = 0;
for (const [path, content] of Object.entries(files)) {
  const target = join(root, path);
  if (values.check) {
    const current = (() => {
      try {
        return readFileSync(target, 'utf8');
      } catch {
        return undefined;
      }
    })();
    if (current !== content) {
      stale += 1;
      console.error(`${path} is not what npm run slo generates`);
    }
  } else {
    writeFileSync(target, content);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
