// Functions the runtime serves: each with its versions, aliases and how
// their traffic is weighted, recent latency and error rate, and (on a
// function's own page) its recent invocations and a form to invoke it.
import { enc, get, send } from '../api.js';
import { h, replace, notice } from '../dom.js';
import { ago, when } from '../format.js';

const REFRESH_MS = 5000;

function percent(x) {
  return `${(x * 100).toFixed(x && x < 0.1 ? 1 : 0)}%`;
}

function stats(f) {
  const r = f.recentInvocations;
  return h('div', { class: 'counts' },
    h('span', { class: 'count' }, h('strong', {}, String(r.count)), ' recent invocations'),
    h('span', { class: 'count' }, 'p50 ', h('strong', {}, `${r.p50Ms.toFixed(1)} ms`)),
    h('span', { class: 'count' }, 'p99 ', h('strong', {}, `${r.p99Ms.toFixed(1)} ms`)),
    h('span', { class: `count${r.errors ? ' status-failed' : ''}` }, 'errors ',
      h('strong', {}, percent(r.errorRate))));
}

// An alias and the share of its traffic each version gets.
function aliasRow(alias) {
  return h('tr', { dataset: { alias: alias.name } },
    h('th', {}, alias.name, alias.description ? h('div', { class: 'muted' }, alias.description) : null),
    h('td', {}, h('div', { class: 'weights', role: 'img',
      'aria-label': alias.routes.map((r) => `version ${r.version} ${percent(r.weight)}`).join(', ') },
    alias.routes.map((r, i) => h('span', {
      class: `weight weight-${i}`, style: { 'flex-grow': Math.max(r.weight, 0.0001) },
    }, `v${r.version} · ${percent(r.weight)}`)))),
    h('td', { class: 'muted' }, `updated ${ago(alias.updatedMs)}`));
}

function summaryCard(f) {
  return h('section', { class: 'card function', dataset: { function: f.name } },
    h('div', { class: 'pipeline-head' },
      h('h2', {}, h('a', { href: `#/functions/${enc(f.name)}` }, f.name)),
      h('span', { class: 'muted' }, `version ${f.lastVersion} · updated ${when(f.updatedMs)}`)),
    h('p', {}, h('code', {}, f.image)),
    stats(f),
    f.aliases.length ? h('table', { class: 'kv aliases' }, h('tbody', {}, f.aliases.map(aliasRow)))
      : null);
}

function invokeForm(f, session, invoked) {
  const qualifier = h('select', { name: 'qualifier', 'aria-label': 'Version or alias' },
    h('option', { value: '' }, '$LATEST'),
    f.aliases.map((a) => h('option', { value: a.name }, `alias ${a.name}`)),
    [...f.versions].reverse().map((v) => h('option', { value: String(v.version) }, `version ${v.version}`)));
  const payload = h('textarea', { name: 'payload', rows: 4, 'aria-label': 'Event (JSON)',
    spellcheck: 'false' }, '{}');
  const result = h('div', { class: 'invoke-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Invoke');
  if (!session.canRun) {
    button.disabled = true;
    button.title = `Your role (${session.role ?? 'visitor'}) cannot invoke functions`;
  }
  return h('form', {
    class: 'card invoke',
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        JSON.parse(payload.value);
      } catch (e) {
        replace(result, notice(`The event is not JSON: ${e.message}`, 'error'));
        return;
      }
      button.disabled = true;
      const started = performance.now();
      try {
        const q = qualifier.value ? `?qualifier=${enc(qualifier.value)}` : '';
        const response = await send('POST', `/api/functions/${enc(f.name)}/invoke${q}`, payload.value);
        const text = await response.text();
        const ms = performance.now() - started;
        const failed = !response.ok || response.headers.get('X-Amz-Function-Error');
        replace(result,
          h('p', { class: failed ? 'error-text' : 'muted' },
            `${response.status} · version ${response.headers.get('X-Amz-Executed-Version') ?? '?'} · ${ms.toFixed(0)} ms`,
            response.headers.get('X-Amz-Function-Error')
              ? ` · ${response.headers.get('X-Amz-Function-Error')}` : ''),
          h('pre', { class: 'json' }, text));
        invoked();
      } catch (e) {
        replace(result, notice(e.message, 'error'));
      } finally {
        button.disabled = !session.canRun;
      }
    },
  },
  h('h2', {}, 'Invoke'),
  h('div', { class: 'fields' }, h('label', {}, 'Qualifier'), qualifier,
    h('label', {}, 'Event'), payload),
  h('div', { class: 'actions' }, button),
  result);
}

function detailView(root, name, session) {
  let timer = 0;
  let stopped = false;
  const summary = h('div');
  const history = h('div');
  let form = null;
  const load = async () => {
    clearTimeout(timer);
    try {
      const f = await get(`/api/functions/${enc(name)}`);
      if (stopped) return;
      replace(summary,
        h('nav', { class: 'crumbs' }, h('a', { href: '#/functions' }, 'Functions'), ' › ', f.name),
        h('div', { class: 'page-head' }, h('h1', {}, f.name)),
        h('p', {}, 'URL on this server: ', h('code', {}, `${location.origin}/fn/${f.name}`)),
        stats(f),
        h('h2', {}, 'Aliases'),
        f.aliases.length ? h('table', { class: 'kv aliases' }, h('tbody', {}, f.aliases.map(aliasRow)))
          : h('p', { class: 'muted' }, 'No aliases.'),
        h('h2', {}, 'Versions'),
        h('table', { class: 'list versions' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Image'), h('th', {}, 'Description'),
            h('th', {}, 'Created'))),
          h('tbody', {}, [...f.versions].reverse().map((v) => h('tr', {},
            h('td', {}, String(v.version)), h('td', {}, h('code', {}, v.image)),
            h('td', {}, v.description), h('td', {}, when(v.createdMs)))))));
      if (!form) {
        form = invokeForm(f, session, () => load());
        summary.after(form);
      }
      replace(history, h('h2', {}, 'Recent invocations'),
        f.invocations?.length ? h('table', { class: 'list invocations' },
          h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Qualifier'), h('th', {}, 'Version'),
            h('th', {}, 'Status'), h('th', { class: 'num' }, 'Latency'))),
          h('tbody', {}, f.invocations.map((i) => h('tr', {},
            h('td', {}, when(i.startedMs)), h('td', {}, i.qualifier), h('td', {}, i.version),
            h('td', { class: i.status >= 400 || i.errorType ? 'error-text' : '' },
              String(i.status), i.errorType ? ` ${i.errorType}` : ''),
            h('td', { class: 'num' }, `${i.latencyMs.toFixed(1)} ms`)))))
          : h('p', { class: 'muted' }, 'None yet.'));
    } catch (e) {
      if (!stopped) replace(summary, notice(`Function ${name}: ${e.message}`, 'error'));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  };
  replace(root, summary, history);
  load();
  return () => { stopped = true; clearTimeout(timer); };
}

function listView(root) {
  let timer = 0;
  let stopped = false;
  const list = h('div', {}, notice('Loading functions…'));
  replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Functions')), list);
  const load = async () => {
    try {
      const { functions } = await get('/api/functions');
      if (stopped) return;
      replace(list, functions.length ? functions.map(summaryCard)
        : notice('No functions deployed yet. A pipeline\'s AwsLambdaDeploy step, or `sluice functions deploy`, deploys one.'));
    } catch (e) {
      if (!stopped) replace(list, notice(`Could not load functions: ${e.message}`, 'error'));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  };
  load();
  return () => { stopped = true; clearTimeout(timer); };
}

export function render(root, route, session) {
  return route.args?.length ? detailView(root, route.args[0], session) : listView(root);
}
