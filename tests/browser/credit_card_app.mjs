// End to end in headless Chromium: the credit-card application page
// (examples/credit-card/web) served by `sluice functions serve --static`,
// calling the deployed creditcardapplicationlambda function.
//
//   node credit_card_app.mjs --url http://127.0.0.1:PORT --out DIR
//
// Fills the form with the tutorial's applicant (2 children, income 500000,
// a car, a home) and expects "Approved"; then a low income, whose decision
// must be the one the function gives for the same body; then an income that
// is not a number, whose 400 message must show; then the function made
// unreachable, whose message must show. Saves a screenshot of each state in
// DIR and prints their paths. Exits 0 when every check passes, 1 otherwise.
// Chromium is Debian's (/usr/lib/chromium/chromium, or $CHROMIUM).
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: { url: { type: 'string' }, out: { type: 'string' } },
});
if (!args.url || !args.out) {
  console.error('usage: node credit_card_app.mjs --url http://127.0.0.1:PORT --out DIR');
  process.exit(2);
}
const base = args.url.replace(/\/$/, '');
const functionUrl = `${base}/fn/creditcardapplicationlambda`;
mkdirSync(args.out, { recursive: true });

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

// The function's own answer to a body, straight over HTTP.
async function askFunction(body) {
  const response = await fetch(functionUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function apply(page, { children, income, car, housing }) {
  await page.getByLabel('Number of children').fill(children);
  await page.getByLabel('Yearly income').fill(income);
  await page.getByLabel('I own a car').setChecked(car);
  await page.getByLabel('I own my home').setChecked(housing);
  const answered = page.waitForResponse((r) => r.url() === functionUrl).catch(() => null);
  await page.getByRole('button', { name: 'Check my application' }).click();
  await answered;
  await page.locator('#outcome:not([hidden])').waitFor();
  await page.locator('#submit:not([disabled])').waitFor();
  return {
    decision: (await page.locator('#decision').textContent()).trim(),
    detail: (await page.locator('#detail').textContent()).trim(),
    kind: await page.locator('#outcome').getAttribute('data-kind'),
  };
}

async function screenshot(page, name) {
  const path = join(args.out, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

// One request with its target sent exactly as written (fetch and URL would
// normalise "%2e%2e" away before it left).
function raw(method, target) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ hostname, port, method, path: target }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The static files over the real server: no way out of the directory,
// GET and HEAD only, the security headers on every answer.
for (const target of ['/%2e%2e/%2e%2e/README.md', '/..%2f..%2fREADME.md', '/../../README.md',
                      '/%2e%2e%2fweb%2findex.html']) {
  const r = await raw('GET', target);
  check(r.status === 404, `GET ${target} stays inside the directory (${r.status})`);
}
{
  const r = await raw('POST', '/index.html');
  check(r.status === 405 && r.headers.allow === 'GET, HEAD', `POST /index.html is refused (${r.status})`);
  const css = await raw('GET', '/style.css');
  check(css.headers['content-type'] === 'text/css; charset=utf-8' &&
          css.headers['x-content-type-options'] === 'nosniff',
        `style.css is text/css with nosniff (${css.headers['content-type']})`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/lib/chromium/chromium',
  headless: true,
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });

  const loaded = await page.goto(`${base}/`);
  check(loaded.status() === 200, 'the page loads from /');
  const csp = loaded.headers()['content-security-policy'] || '';
  check(csp.includes("default-src 'self'"), `the page is served with a CSP (${csp})`);
  check(await page.getByRole('heading', { name: 'Apply for a credit card' }).isVisible(),
        'the heading shows');

  const tutorial = await apply(page, { children: '2', income: '500000', car: true, housing: true });
  check(tutorial.decision === 'Approved' && tutorial.kind === 'approved',
        `the tutorial's applicant is approved (page says "${tutorial.decision}")`);
  await screenshot(page, 'credit-card-approved.png');

  const expected = await askFunction({ Num_Children: 2, Income: 1000, Own_Car: 0, Own_Housing: 0 });
  const low = await apply(page, { children: '2', income: '1000', car: false, housing: false });
  const modelSays = expected.json.prediction === 1 ? 'Approved' : 'Denied';
  check(expected.status === 200 && low.decision === modelSays,
        `a low income gets the model's decision (model: ${modelSays}, page: "${low.decision}")`);
  await screenshot(page, 'credit-card-low-income.png');

  const refused = await askFunction({ Num_Children: 2, Income: 'lots', Own_Car: 1, Own_Housing: 1 });
  const invalid = await apply(page, { children: '2', income: 'lots', car: true, housing: true });
  check(refused.status === 400 && invalid.kind === 'invalid' &&
          invalid.detail === refused.json.message && invalid.detail.includes('Income'),
        `an income that is not a number shows the function's 400 message ("${invalid.detail}")`);
  await screenshot(page, 'credit-card-invalid.png');

  await page.route('**/fn/**', (route) => route.abort('connectionrefused'));
  const unreachable = await apply(page, { children: '2', income: '500000', car: true, housing: true });
  check(unreachable.kind === 'failed' && unreachable.detail.includes('could not be reached'),
        `an unreachable function is reported ("${unreachable.detail}")`);
  await screenshot(page, 'credit-card-unreachable.png');
  await page.unroute('**/fn/**');

  // The 400 and the aborted request log network errors by design; anything
  // else (a missing file, a CSP violation, a script error) is a failure.
  const unexpected = pageErrors.filter((e) => !e.includes('net::ERR_CONNECTION_REFUSED') &&
                                              !e.includes('status of 400'));
  check(unexpected.length === 0, `no script or CSP errors (${unexpected.join(' | ') || 'none'})`);
} catch (e) {
  failures.push(String(e));
  console.error(e);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
