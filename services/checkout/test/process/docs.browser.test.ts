import assert from 'node:assert/strict';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { backends } from '../support/databases.ts';
import { startTestService } from '../support/service.ts';
import { tempDir } from '../support/service-process.ts';

// The API reference at /docs, rendered by a real browser under the docs' Content-Security-
// Policy: Swagger UI must load its bundle, fetch the document and list every operation.
// CI sets KEELSON_TEST_CHROMIUM; locally Debian's `chromium` package is used when installed.
// With KEELSON_TEST_REQUIRE_SERVICES=1 the suite never skips: no KEELSON_TEST_CHROMIUM fails it.

const configured = process.env.KEELSON_TEST_CHROMIUM || undefined;
const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';
const executablePath = configured ?? '/usr/bin/chromium';
const skip =
  !required && configured === undefined && !existsSync(executablePath)
    ? 'no Chromium: /usr/bin/chromium is missing and KEELSON_TEST_CHROMIUM is unset (apt-get install chromium)'
    : false;

// Without the background-networking flags Chromium reaches for the (closed) network at start.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The v1 operations by tag; v2 has the same ones under /v2 (ADR 0017), listed by {@link bothVersions}. */
const v1Operations = {
  api: [['GET', '/v1', 'Where the resources and the documentation are']],
  products: [
    ['POST', '/v1/products', 'Create a product'],
    ['GET', '/v1/products', 'List products, newest first'],
    ['GET', '/v1/products/{id}', 'Retrieve a product'],
    ['PATCH', '/v1/products/{id}', 'Update name, price or stock (optimistic concurrency on version)'],
  ],
  orders: [
    ['POST', '/v1/orders', 'Place an order, reserving stock atomically'],
    ['GET', '/v1/orders', 'List orders, newest first, optionally by status'],
    ['GET', '/v1/orders/{id}', 'Retrieve an order'],
    ['POST', '/v1/orders/{id}/cancel', 'Cancel an unpaid order and release its stock'],
  ],
  payments: [
    ['POST', '/v1/orders/{id}/payments', 'Pay an order: authorize and capture its total through the payment provider'],
    ['GET', '/v1/payments/{id}', 'Retrieve a payment'],
    ['GET', '/v1/payments', 'List payments, newest first, optionally of one order'],
    [
      'POST',
      '/v1/payments/{id}/refunds',
      'Refund a payment, in full (default) or in part; the sum never exceeds the capture',
    ],
    ['GET', '/v1/payments/{id}/refunds', "A payment's refunds, newest first"],
    ['GET', '/v1/refunds/{id}', 'Retrieve a refund'],
  ],
  webhooks: [
    ['POST', '/v1/webhook_endpoints', 'Register a webhook endpoint; its signing secret is in this answer only'],
    ['GET', '/v1/webhook_endpoints', 'List webhook endpoints, newest first'],
    ['GET', '/v1/webhook_endpoints/{id}', 'Retrieve a webhook endpoint'],
    ['DELETE', '/v1/webhook_endpoints/{id}', 'Delete a webhook endpoint; deliveries not yet made are dropped'],
    [
      'POST',
      '/v1/webhook_endpoints/{id}/rotate_secret',
      'New signing secret (shown once); the old one keeps signing for the overlap window',
    ],
    [
      'GET',
      '/v1/webhook_endpoints/{id}/deliveries',
      "An endpoint's deliveries, newest first: attempts, status codes, timing, errors",
    ],
  ],
  events: [
    ['GET', '/v1/events', 'List events, newest first, optionally of one type'],
    ['GET', '/v1/events/{id}', 'Retrieve an event'],
  ],
} as const;

function bothVersions(
  byTag: Record<string, readonly (readonly string[])[]>,
): Record<string, [string, string, string][]> {
  return Object.fromEntries(
    Object.entries(byTag).map(([tag, ops]) => [
      tag,
      ops.flatMap(([method = '', path = '', summary = '']): [string, string, string][] => [
        [method, path, summary],
        [method, path.replace(/^\/v1/, '/v2'), summary],
      ]),
    ]),
  );
}

const operations = bothVersions(v1Operations);

describe('API reference in a real browser', { skip }, () => {
  const shots = tempDir('keelson-docs-');
  let browser: Browser | undefined;
  let stop: (() => Promise<void>) | undefined;

  after(async () => {
    await browser?.close();
    await stop?.();
    // Kept when KEELSON_TEST_KEEP_SCREENSHOTS=1, to look at the page.
    if (process.env.KEELSON_TEST_KEEP_SCREENSHOTS !== '1') shots.remove();
  });

  it('renders every products, orders, payments, webhooks and events operation at /docs', {
    timeout: 60_000,
  }, async () => {
    if (configured === undefined && required) {
      assert.fail(
        'KEELSON_TEST_REQUIRE_SERVICES=1 needs KEELSON_TEST_CHROMIUM, a Chromium executable (/usr/bin/chromium)',
      );
    }
    if (configured !== undefined) {
      assert.doesNotThrow(
        () => accessSync(configured, constants.X_OK),
        `KEELSON_TEST_CHROMIUM=${configured} is not an executable file`,
      );
    }
    const embedded = backends().find((b) => b.name === 'pglite') ?? assert.fail('no embedded backend');
    const service = await startTestService(embedded);
    stop = () => service.stop();

    browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs, timeout: 30_000 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });

    const response = await page.goto(`${service.apiUrl}/docs`, { waitUntil: 'load', timeout: 20_000 });
    assert.equal(response?.status(), 200);
    const expected = Object.values(operations).flat().length;
    await page
      .locator('.opblock')
      .nth(expected - 1)
      .waitFor({ timeout: 20_000 });

    await page.screenshot({ path: join(shots.path, 'docs.png'), fullPage: true });
    const title = await page.locator('.info .title').innerText();
    assert.match(title, /Keelson Checkout API/);
    const tags = await page.locator('.opblock-tag').allInnerTexts();
    for (const tag of Object.keys(operations)) {
      assert.ok(
        tags.some((t) => t.startsWith(tag)),
        `tag ${tag} in ${JSON.stringify(tags)}`,
      );
    }
    for (const [tag, ops] of Object.entries(operations)) {
      const section = page.locator('.opblock-tag-section', { has: page.locator(`.opblock-tag[data-tag="${tag}"]`) });
      const rendered = await section.locator('.opblock-summary').allInnerTexts();
      const flat = rendered.map((text) => text.replace(/\s+/g, ' ').trim());
      for (const [method, path, summary] of ops) {
        assert.ok(
          flat.some((text) => text.includes(method) && text.includes(path) && text.includes(summary)),
          `${method} ${path} "${summary}" under ${tag}; rendered: ${JSON.stringify(flat)}`,
        );
      }
    }
    const all = await page.locator('.opblock-summary').allInnerTexts();
    assert.equal(
      all.length,
      expected,
      `only the /v1 and /v2 operations (health probes are hidden): ${JSON.stringify(all)}`,
    );
    assert.deepEqual(problems, [], 'the page ran without errors (a CSP violation would show here)');
  });
});
