#!/usr/bin/env node
// `npx keelson …` from the repository root. npx puts node_modules/.bin first on PATH, so
// `node` here is the project's pinned Node 24, which runs the TypeScript sources directly.
await import('../src/main.ts');
