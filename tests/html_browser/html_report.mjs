// Drives the HTML report (`dbs-lint check -f html`) in a real headless Chromium through the
// DevTools protocol (playwright-core, no bundled browser): the page loads without console
// errors or network requests, the findings filters and sorting work, and a script-injection
// plan name stays inert text. Run by .ci/run; locally: `npm ci && node html_report.mjs`
// (needs /usr/bin/chromium and a built `target/debug/dbs-lint`, or DBS_LINT=path).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = resolve(root, process.env.CARGO_TARGET_DIR || 'target');
const bin = process.env.DBS_LINT || join(targetDir, 'debug/dbs-lint');
const chrome = process.env.CHROMIUM || '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'dbs-lint-browser-'));
const report = join(work, 'report.html');
const INJECTION = '<script>alert(1)</script>';

function render() {
  try {
    execFileSync(bin, [
      'check', 'tests/fixtures/audit/injection.json', '--no-config', '--now', '2026-06-01',
      '--waivers', 'tests/fixtures/audit/waivers.yaml', '-f', 'html', '-o', report,
    ], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    if (e.status !== 1) { throw e; } // 1: the fixture has findings
  }
}

let failures = 0;
let passed = 0;
async function test(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}\n${e.stack || e}`);
  }
}

render();
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: chrome,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || await context.newPage();
const consoleErrors = [];
const dialogs = [];
const requests = [];
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });

await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });

const visible = () => page.$$eval('#findings tbody tr', (rows) => rows
  .filter((r) => getComputedStyle(r).display !== 'none')
  .map((r) => ({ rule: r.dataset.rule, plan: r.dataset.plan, severity: r.dataset.severity })));
const total = (await visible()).length;

await test('loads without console errors, dialogs or network requests', async () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(requests, []);
  assert.ok(total > 0, 'the findings table has rows');
  assert.equal(await page.textContent('#shown'), String(total));
});

await test('the rule filter hides the other rules', async () => {
  await page.selectOption('#filter-rule', 'storage-encrypted');
  const rows = await visible();
  assert.ok(rows.length > 0 && rows.length < total, `${rows.length} of ${total}`);
  assert.ok(rows.every((r) => r.rule === 'storage-encrypted'));
  assert.equal(await page.textContent('#shown'), String(rows.length));
  await page.selectOption('#filter-rule', '');
  assert.equal((await visible()).length, total);
});

await test('severity, region and plan filters combine; search narrows further', async () => {
  await page.selectOption('#filter-severity', 'error');
  assert.ok((await visible()).every((r) => r.severity === 'error'));
  await page.selectOption('#filter-plan', INJECTION);
  const rows = await visible();
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r.plan === INJECTION));
  await page.fill('#filter-text', 'no-such-text-anywhere');
  assert.equal((await visible()).length, 0);
  await page.fill('#filter-text', '');
  for (const id of ['#filter-severity', '#filter-plan']) await page.selectOption(id, '');
  const regions = await page.$$eval('#filter-region option', (o) => o.map((x) => x.value));
  assert.ok(regions.includes("cn-beijing'</script><!--"), regions.join(','));
  await page.selectOption('#filter-region', "cn-beijing'</script><!--");
  assert.ok((await visible()).length > 0);
  await page.selectOption('#filter-region', '');
  assert.equal((await visible()).length, total);
});

await test('clicking a header sorts the table', async () => {
  await page.click('#findings thead th:nth-child(1)');
  let rules = (await visible()).map((r) => r.rule);
  assert.deepEqual(rules, [...rules].sort((a, b) => a.localeCompare(b)));
  await page.click('#findings thead th:nth-child(1)');
  rules = (await visible()).map((r) => r.rule);
  assert.deepEqual(rules, [...rules].sort((a, b) => b.localeCompare(a)));
});

await test('the injected plan names are inert and shown literally', async () => {
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 2);
  const cell = page.locator('#plans td.plan', { hasText: INJECTION });
  assert.equal(await cell.count(), 1);
  assert.ok(await cell.isVisible());
  assert.ok((await page.locator('body').innerText()).includes('"><img src=x onerror=alert(2)>'));
  assert.deepEqual(consoleErrors, []);
});

await context.close();
rmSync(work, { recursive: true, force: true });
console.log(`browser: ${passed} passed, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
