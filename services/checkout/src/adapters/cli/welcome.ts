import type { Serving } from './cli-commands.ts';
import type { Printed } from './printed.ts';

/**
 * `keelson serve`'s banner: where to go next. The demo key appears once, on first start only;
 * logs go elsewhere when a person is watching (see composition/serve.ts), so it stays readable.
 */
export function welcome(serving: Serving): Printed {
  const api = serving.apiAddress;
  const json = {
    object: 'server',
    api_url: api === undefined ? null : `${api}/v1`,
    docs_url: api === undefined ? null : `${api}/docs`,
    openapi_url: api === undefined ? null : `${api}/openapi.json`,
    metrics_url: `${serving.adminAddress}/metrics`,
    database: serving.database,
    demo_tenant_id: serving.demo?.tenantId ?? null,
    demo_api_key: serving.demo?.token ?? null,
  };
  const lines = ['', 'Keelson checkout is running'];
  if (api !== undefined) {
    lines.push(`  API:      ${api}/v1`, `  Docs:     ${api}/docs   (OpenAPI: ${api}/openapi.json)`);
  }
  lines.push(
    `  Metrics:  ${serving.adminAddress}/metrics`,
    `  Health:   ${serving.adminAddress}/readyz`,
    `  Database: ${serving.database}`,
  );
  if (serving.demo !== undefined && api !== undefined) {
    lines.push(
      '',
      `  Demo tenant ${serving.demo.tenantId} was created with this API key (shown once, stored only hashed):`,
      '',
      `    ${serving.demo.token}`,
      '',
      `  Try: KEY='<the key above>'; curl -H "Authorization: Bearer $KEY" ${api}/v1/products`,
    );
  } else {
    lines.push('', '  Tenants and keys: npx keelson tenants list, npx keelson keys list (npx keelson help for more)');
  }
  // A blank line after the banner sets it apart from what follows on the terminal.
  return { json, text: `${lines.join('\n')}\n` };
}
