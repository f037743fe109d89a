// Layer rules from STYLE.md §14, checked by `npm run layers`. Paths are relative to the repo root.
const adapters = '^services/checkout/src/adapters/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Domain imports only itself, kit errors and ulid: no app, adapters, main, npm packages, node built-ins.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/domain/' },
      to: { pathNot: ['^services/$1/src/domain/', '^packages/kit/src/errors/', '(^|/)node_modules/ulid/'] },
    },
    {
      name: 'app-not-to-adapters',
      comment: 'Use cases depend on ports (app/ports.ts), never on their implementations.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/app/' },
      to: { path: '^services/$1/src/adapters/' },
    },
    {
      name: 'adapters-only-from-composition',
      comment: 'Only the composition root constructs adapters; adapters may use each other, tests may use them.',
      severity: 'error',
      from: {
        pathNot: [
          '^services/checkout/src/main\\.ts$',
          '^services/checkout/src/composition/',
          adapters,
          '^services/checkout/test/',
          '\\.test\\.ts$',
          // Build scripts (client generation, OpenAPI lint) read the HTTP adapter's document.
          '^scripts/',
        ],
      },
      to: { path: adapters },
    },
    {
      name: 'kit-not-to-services',
      comment: 'The kit is domain-free and reusable: it never knows a service.',
      severity: 'error',
      from: { path: '^packages/kit/' },
      to: { path: '^services/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^services/checkout/test/generated/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count too: a domain file must not even name an adapter type.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
