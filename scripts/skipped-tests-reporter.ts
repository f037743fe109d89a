// A node:test reporter that writes one JSON line per skipped test or suite, with its full
// name and the reason it gave (`{ skip: 'reason' }`), so scripts/test.ts can say at the end
// what did not run. node:test's own summary counts skipped tests only, not skipped suites.
import type { TestEvent } from 'node:test/reporters';

/** One line of this reporter's output. */
export interface SkippedTest {
  readonly file: string;
  /** Enclosing suites and the test, joined by ' › '. */
  readonly name: string;
  readonly reason: string;
}

export default async function* skippedTests(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  // testId is unique within one file's process only, hence the file in the key.
  const started = new Map<string, { readonly name: string; readonly parentKey: string }>();
  const fullName = (key: string): string[] => {
    const test = started.get(key);
    return test === undefined ? [] : [...fullName(test.parentKey), test.name];
  };
  for await (const event of source) {
    if (event.type === 'test:start') {
      const { file = '', testId, parentId, name } = event.data;
      started.set(`${file}#${testId}`, { name, parentKey: `${file}#${parentId ?? 0}` });
    } else if (
      (event.type === 'test:pass' || event.type === 'test:fail') &&
      event.data.skip !== undefined &&
      event.data.skip !== false
    ) {
      const { file = '(unknown file)', testId, skip } = event.data;
      const name = fullName(`${event.data.file ?? ''}#${testId}`).join(' › ') || event.data.name;
      const reason = typeof skip === 'string' && skip !== '' ? skip : '(no reason given)';
      const line: SkippedTest = { file, name, reason };
      yield `${JSON.stringify(line)}\n`;
    }
  }
}
