import type { DemoCredentials } from './seed-demo.ts';

/** Where to go next, printed once the servers listen; the demo key appears only on first start. */
export function printWelcome(service: {
  apiAddress: string;
  adminAddress: string;
  database: string;
  demo: DemoCredentials | undefined;
}): void {
  const lines = [
    '',
    'Keelson checkout is running',
    `  API:      ${service.apiAddress}/v1`,
    `  Docs:     ${service.apiAddress}/docs   (OpenAPI: ${service.apiAddress}/openapi.json)`,
    `  Metrics:  ${service.adminAddress}/metrics`,
    `  Health:   ${service.apiAddress}/readyz`,
    `  Database: ${service.database}`,
  ];
  if (service.demo) {
    lines.push(
      '',
      `  Demo tenant ${service.demo.tenantId} was created with this API key (shown once, stored only hashed):`,
      '',
      `    ${service.demo.token}`,
      '',
      `  Try: curl -H 'Authorization: Bearer ${service.demo.token}' ${service.apiAddress}/v1/products`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
