// End to end in headless Chromium: sluice server's web UI (web/) as three
// people use it, each in their own browser context (own session cookie).
//
//   node server_ui.mjs --url http://127.0.0.1:PORT --out DIR --release FILE \
//     --executor NAME:PASSWORD --approver NAME:PASSWORD --viewer NAME:PASSWORD
//
// The project's pipeline "release" (tests/server_ui_test.cc) trains in a
// step that prints three epochs, then waits until FILE exists before it
// prints "training done" and writes the model report, which S3Upload
// stores; then an Approval stage waits for the approvers' group, and a
// Deploy stage prints the region the approver gave.
//
//   1. The executor signs in, runs "release" from the Pipelines page with
//      a model name typed in the run form, and lands on the execution.
//   2. The train step's log shows the epochs live while the execution
//      runs and before "training done" exists; this script then creates
//      FILE and "training done" arrives on the same page.
//   3. The execution waits for approval; the executor sees the approval
//      but no buttons; an executions list open in a second tab shows the
//      execution waiting.
//   4. The Artifacts tab shows the model report inline, in a sandboxed
//      frame.
//   5. The viewer sees the approval and no buttons, and the server refuses
//      the viewer's approval request (403) with a message naming the role.
//   6. The approver approves with a region and a comment in the approval
//      panel; the execution ends in Success, the Deploy log shows the
//      region, and the executor's list tab shows Success without a reload.
// Screenshots of each state go to DIR. Prints the execution id on a line
// "execution: ID". Exits 0 when every check passes, 1 otherwise.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    out: { type: 'string' },
    release: { type: 'string' },
    executor: { type: 'string' },
    approver: { type: 'string' },
    viewer: { type: 'string' },
  },
});
for (const name of ['url', 'out', 'release', 'executor', 'approver', 'viewer']) {
  if (!args[name]) {
    console.error(`missing --${name}; see the usage at the top of server_ui.mjs`);
    process.exit(2);
  }
}
const base = args.url.replace(/\/$/, '');
const account = (text) => {
  const at = text.indexOf(':');
  return { user: text.slice(0, at), password: text.slice(at + 1) };
};
mkdirSync(args.out, { recursive: true });

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/lib/chromium/chromium',
  headless: true,
});
const pageErrors = [];

// A signed-in page of its own browser context.
async function signedIn({ user, password }) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${user}: ${e}`));
  page.on('console', (m) => {
    // The first /api/me of a visitor without a session answers 401, and
    // the viewer's approval below is refused on purpose.
    if (m.type() === 'error' && !m.text().includes('status of 401') &&
        !(user === account(args.viewer).user && m.text().includes('status of 403'))) {
      pageErrors.push(`${user}: ${m.text()}`);
    }
  });
  const loaded = await page.goto(`${base}/`);
  const csp = loaded.headers()['content-security-policy'] || '';
  check(csp.includes("default-src 'self'"), `the UI is served with a CSP (${csp})`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.who-user', { hasText: user }).waitFor();
  return page;
}

async function screenshot(page, name) {
  const path = join(args.out, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

const badge = (page) => page.locator('.title-row .badge');
const waitForStatus = (page, status, timeout = 60000) =>
  page.locator(`.title-row .badge[data-status="${status}"]`).waitFor({ timeout });
const logText = async (page) => (await page.locator('pre.log').textContent()) ?? '';

try {
  // 1. Run from the Pipelines page.
  const executor = await signedIn(account(args.executor));
  await executor.getByRole('link', { name: 'Pipelines' }).click();
  const form = executor.getByRole('form', { name: 'Run release' });
  await form.getByLabel('variables.model_name').fill('credit-card-v2');
  await form.getByRole('button', { name: 'Run' }).click();
  await executor.waitForURL(/#\/executions\/[^/?]+/);
  const id = decodeURIComponent(executor.url().match(/#\/executions\/([^/?]+)/)[1]);
  console.log(`execution: ${id}`);
  check(id.length > 0, `running from the Pipelines page opens the execution (${id})`);

  // 2. Live logs of the train step.
  await executor.locator('button.step[data-path="Train.train"]').click();
  await executor.locator('pre.log', { hasText: 'epoch 3 of 3 for credit-card-v2' }).waitFor();
  const before = await logText(executor);
  check((await badge(executor).getAttribute('data-status')) === 'Running' &&
          !before.includes('training done'),
        'the epochs arrive while the step still runs, before "training done" exists');
  await screenshot(executor, 'server-ui-live-log.png');
  writeFileSync(args.release, '');
  await executor.locator('pre.log', { hasText: 'training done' }).waitFor();
  check(true, '"training done" arrives on the open page once the step goes on');
  await executor.locator('.log-search').fill('epoch 2');
  const searched = (await executor.locator('.log-count').textContent()).trim();
  const kept = await executor.locator('pre.log .log-line').allTextContents();
  const [shown, total] = searched.match(/^(\d+) of (\d+) lines match$/)?.slice(1).map(Number) ?? [];
  check(kept.length > 0 && kept.every((line) => line.includes('epoch 2')) &&
          shown === kept.length && total > shown &&
          await executor.locator('pre.log mark', { hasText: 'epoch 2' }).count() === kept.length,
        `searching the log keeps and marks the matching lines ("${searched}")`);
  await executor.locator('.log-search').fill('');

  // 3. Waiting for approval; the executor cannot decide.
  await waitForStatus(executor, 'ApprovalWaiting');
  const banner = executor.locator('.banners .approval');
  await banner.waitFor();
  check((await banner.textContent()).includes('Ship credit-card-v2?'),
        'the approval banner shows the approval message');
  check(await banner.getByRole('button', { name: 'Approve' }).count() === 0,
        'the executor gets no Approve button');
  const list = await executor.context().newPage();
  await list.goto(`${base}/#/executions`);
  const row = list.locator(`tr[data-id="${id}"]`);
  await row.locator('.badge[data-status="ApprovalWaiting"]').waitFor();
  check(true, 'the executions list shows the execution waiting for approval');

  // 4. The report in the Artifacts tab.
  await executor.getByRole('tab', { name: /Artifacts/ }).click();
  const frame = executor.locator('iframe.report');
  await frame.waitFor();
  check((await frame.getAttribute('sandbox')) === '', 'the report frame is sandboxed');
  const heading = executor.frameLocator('iframe.report').getByRole('heading', { name: 'Model report' });
  await heading.waitFor();
  check(await heading.isVisible(), 'the model report renders inline in the Artifacts tab');
  await screenshot(executor, 'server-ui-report.png');

  // 5. The viewer is refused.
  const viewer = await signedIn(account(args.viewer));
  await viewer.goto(`${base}/#/executions/${encodeURIComponent(id)}`);
  const viewerBanner = viewer.locator('.banners .approval');
  await viewerBanner.waitFor();
  check(await viewerBanner.getByRole('button', { name: 'Approve' }).count() === 0 &&
          (await viewerBanner.textContent()).includes('Your role (viewer) cannot approve'),
        'the viewer sees the approval, no buttons, and why');
  const refusal = await viewer.evaluate(async (execution) => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch(`/api/executions/${encodeURIComponent(execution)}/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken },
      body: JSON.stringify({ comments: 'looks fine to me' }),
    });
    return { status: r.status, body: await r.json() };
  }, id);
  check(refusal.status === 403 && /viewer/.test(refusal.body.message),
        `the server refuses the viewer's approval (${refusal.status} ${refusal.body.message})`);
  await screenshot(viewer, 'server-ui-viewer.png');

  // 6. The approver approves from the panel.
  const approver = await signedIn(account(args.approver));
  await approver.goto(`${base}/#/executions/${encodeURIComponent(id)}`);
  const card = approver.locator('.banners .approval');
  await card.waitFor();
  await card.getByLabel('region').fill('us-east-2');
  await card.getByLabel('Comment').fill('fair and accurate');
  await screenshot(approver, 'server-ui-approval.png');
  await card.getByRole('button', { name: 'Approve' }).click();
  await waitForStatus(approver, 'Success');
  check(true, 'approving from the panel lets the execution finish in Success');
  await approver.locator('button.step[data-path="Deploy.deploy"]').click();
  await approver.locator('pre.log', { hasText: 'deploying to us-east-2' }).waitFor();
  check(true, "the Deploy step used the approver's region");
  await approver.getByRole('tab', { name: /Approvals/ }).click();
  const activity = approver.locator('.activity-approved');
  await activity.waitFor();
  const said = await activity.textContent();
  check(said.includes(account(args.approver).user) && said.includes('fair and accurate'),
        `the Approvals tab shows who approved and why ("${said.trim()}")`);
  await screenshot(approver, 'server-ui-approved.png');
  await row.locator('.badge[data-status="Success"]').waitFor({ timeout: 15000 });
  check(true, "the executor's open executions list turns Success without a reload");
  await screenshot(list, 'server-ui-executions.png');

  check(pageErrors.length === 0, `no script or CSP errors (${pageErrors.join(' | ') || 'none'})`);
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
