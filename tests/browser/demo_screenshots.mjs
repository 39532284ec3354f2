// Screenshots of the demo's execution in sluice server's web UI, for the
// README: the stage graph with a step's log, and the model report in the
// Artifacts tab. Run against the server `make demo` leaves running:
//
//   node demo_screenshots.mjs --url http://127.0.0.1:8080 --execution ID \
//     --password-file build/demo/credit-card/.sluice/admin-password --out DIR
//
// Writes DIR/demo-execution.png and DIR/demo-report.png and says whether
// the report showed inline ("report: inline", from the local artifact
// store or read back from its S3 server) or only as its URL ("report:
// listed at its URL"). Then it applies for a card on
// the server's web page (/site/) as the tutorial's applicant (2 children,
// income 500000, a car, a home), writes DIR/demo-site.png and prints the
// decision ("web page: Approved"). Exits 1 when a page does not show what
// it should.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    execution: { type: 'string' },
    'password-file': { type: 'string' },
    out: { type: 'string' },
  },
});
for (const name of ['url', 'execution', 'password-file', 'out']) {
  if (!args[name]) {
    console.error(`missing --${name}; see the usage at the top of demo_screenshots.mjs`);
    process.exit(2);
  }
}
const base = args.url.replace(/\/$/, '');
mkdirSync(args.out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/lib/chromium/chromium',
  headless: true,
});
let status = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(readFileSync(args['password-file'], 'utf8').trim());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.who-user', { hasText: 'admin' }).waitFor();

  // Wide enough for all eight stages, with the model tests' log open.
  await page.setViewportSize({ width: 2200, height: 960 });
  const execution = `${base}/#/executions/${encodeURIComponent(args.execution)}`;
  await page.goto(`${execution}?node=${encodeURIComponent('Run_test_and_upload_artifacts.pytest')}`);
  await page.locator('.title-row .badge[data-status="Success"]').waitFor();
  await page.locator('pre.log', { hasText: 'accuracy' }).waitFor();
  await page.screenshot({ path: join(args.out, 'demo-execution.png') });
  await page.setViewportSize({ width: 1440, height: 1000 });

  // The report inline when this server can read it (the local artifact
  // store, or the S3 server a step stored it on); else listed at its URL.
  await page.getByRole('tab', { name: /Artifacts/ }).click();
  await page.locator('table.artifacts td.url', { hasText: 'model_metrics.html' }).first().waitFor();
  if ((await page.locator('iframe.report').count()) > 0) {
    await page.frameLocator('iframe.report').first().locator('h1').waitFor();
    console.log('report: inline');
  } else {
    console.log('report: listed at its URL');
  }
  await page.screenshot({ path: join(args.out, 'demo-report.png'), fullPage: true });

  // The credit-card page, answered by the function the pipeline deployed.
  const site = await context.newPage();
  await site.goto(`${base}/site/`);
  await site.getByLabel('Number of children').fill('2');
  await site.getByLabel('Yearly income').fill('500000');
  await site.getByLabel('I own a car').setChecked(true);
  await site.getByLabel('I own my home').setChecked(true);
  await site.getByRole('button', { name: 'Check my application' }).click();
  await site.locator('#outcome:not([hidden])').waitFor();
  console.log(`web page: ${(await site.locator('#decision').textContent()).trim()}`);
  await site.screenshot({ path: join(args.out, 'demo-site.png'), fullPage: true });
  console.log(`screenshots in ${args.out}`);
} catch (e) {
  console.error(`${e}`);
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
