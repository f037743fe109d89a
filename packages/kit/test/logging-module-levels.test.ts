import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModuleLoggers } from '../src/logging/index.ts';
import { captureLogs } from './http-test-support.ts';

test('each module has its own level, changed at runtime, followed by the loggers made from it', () => {
  const logs = captureLogs();
  const modules = createModuleLoggers(logs.logger, ['service', 'http', 'jobs'] as const, { rootModule: 'service' });
  const perRequest = modules.get('http').child({ request_id: 'r1' }); // made before the change
  modules.get('jobs').debug('not yet');
  modules.setLevel('jobs', 'debug');
  modules.setLevel('http', 'warn');
  modules.get('jobs').debug('now written');
  perRequest.info('dropped at warn');
  modules.get('http').child({ request_id: 'r2' }).warn('kept');
  // The root's own level moves; the modules keep theirs.
  modules.setLevel('service', 'error');
  modules.get('jobs').debug('still written');
  logs.logger.info('dropped at error');

  assert.deepEqual(
    logs.lines().map((line) => [line.module, line.msg]),
    [
      ['jobs', 'now written'],
      ['http', 'kept'],
      ['jobs', 'still written'],
    ],
  );
  assert.deepEqual(modules.levels(), { service: 'error', http: 'warn', jobs: 'debug' });
  assert.throws(() => modules.setLevel('nope' as 'jobs', 'info'), /Unknown log module/);
});
