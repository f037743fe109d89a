/**
 * A port a test does not exercise, for use cases that need it at construction only: any use
 * fails the test loudly, naming the port. Not a mock: it records nothing and answers nothing.
 */
export function unwired<T extends object>(name: string): T {
  // Safe: every property access throws, so no caller can rely on the missing shape.
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`${name}.${String(property)} is not wired in this test`);
    },
  });
}
