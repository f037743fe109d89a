// Layer rules from STYLE.md §14, checked by `npm run layers` over packages/ and services/, tests
// included (scripts/ and bench/ are tooling, cruised only where a test imports them). Paths are
// relative to the repo root. services/checkout/test/layers/layer-rules.test.ts proves each rule fires.
const adapters = '^services/checkout/src/adapters/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Domain imports only itself and kit errors: no app, adapters, npm packages, node built-ins.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/domain/' },
      to: { pathNot: ['^services/$1/src/domain/', '^packages/kit/src/errors/'] },
    },
    {
      // An allow-list, so a new npm package, node built-in or service folder is refused by default.
      name: 'app-imports-domain-and-kit-core',
      comment:
        'Use cases import only app/, domain/, the domain-free kit modules (context, errors, ids) and node:crypto: ' +
        'no adapters, composition, config, infrastructure packages (pg, fastify, PGlite, pino) or I/O built-ins.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/app/' },
      to: {
        pathNot: ['^services/$1/src/(app|domain)/', '^packages/kit/src/(context|errors|ids)/', '^crypto$'],
      },
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
          // Tooling: the client generator reads the HTTP adapter's OpenAPI document, and the
          // OpenAPI drift test reaches it, so it is cruised although scripts/ is not listed.
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
      name: 'psp-sim-stands-alone',
      comment: 'The payment-provider simulator is its own deployable speaking Stripe: it never imports the service.',
      severity: 'error',
      from: { path: '^services/psp-sim/' },
      to: { path: '^services/checkout/' },
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
