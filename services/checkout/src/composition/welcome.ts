import type { DemoCredentials } from './seed-demo.ts';

/** Where to go next, printed once the servers listen; the demo key appears only on first start. */
export function printWelcome(
  service: {
    apiAddress: string;
    adminAddress: string;
    database: string;
    demo: DemoCredentials | undefined;
  },
  json: boolean,
): void {
  if (json) {
    const out = {
      object: 'server',
      api_url: `${service.apiAddress}/v1`,
      docs_url: `${service.apiAddress}/docs`,
      openapi_url: `${service.apiAddress}/openapi.json`,
      metrics_url: `${service.adminAddress}/metrics`,
      database: service.database,
      demo_tenant_id: service.demo?.tenantId ?? null,
      demo_api_key: service.demo?.token ?? null,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
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
