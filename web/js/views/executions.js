// Executions, newest first, kept current: the first pages are fetched
// again every two seconds while the tab is visible. Filters by pipeline
// and status are part of the address, so a filtered list can be shared.
import { get, withQuery, enc } from '../api.js';
import { h, replace, notice } from '../dom.js';
import { ago, duration, isFinal, statusGroup, statusLabel, when } from '../format.js';
import { navigate, remember } from '../main.js';

const PAGE = 50;
const REFRESH_MS = 2000;
const STATUSES = ['Running', 'ApprovalWaiting', 'Success', 'Failed', 'Aborted', 'Expired',
  'ApprovalRejected', 'IgnoreFailed', 'Errored'];

// The badge an execution or node shows; a queued execution is "Queued".
export function statusBadge(status, queued = false) {
  const shown = queued ? 'Queued' : status;
  return h('span', { class: `badge status-${statusGroup(shown)}`, dataset: { status: shown } },
    statusLabel(shown));
}

// How long it ran, or has been running.
export function elapsed(record, now = Date.now()) {
  if (record.endedMs) return duration(record.durationMs);
  return record.startedMs ? duration(now - record.startedMs) : '—';
}

export function render(root, route) {
  const filters = {
    pipeline: route.query.get('pipeline') ?? '',
    status: route.query.get('status') ?? '',
  };
  let shown = PAGE;
  let next = null;
  let timer = 0;
  let stopped = false;

  const pipelineSelect = h('select', { id: 'filter-pipeline', 'aria-label': 'Pipeline' },
    h('option', { value: '' }, 'All pipelines'));
  const statusSelect = h('select', { id: 'filter-status', 'aria-label': 'Status' },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s }, statusLabel(s))));
  statusSelect.value = filters.status;
  const onFilter = () => {
    filters.pipeline = pipelineSelect.value;
    filters.status = statusSelect.value;
    remember('/executions', filters);
    shown = PAGE;
    refresh();
  };
  pipelineSelect.addEventListener('change', onFilter);
  statusSelect.addEventListener('change', onFilter);

  const body = h('tbody');
  const table = h('table', { class: 'list executions' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'Status'), h('th', {}, 'Pipeline'), h('th', {}, 'Trigger'),
      h('th', {}, 'Started'), h('th', { class: 'num' }, 'Duration'))),
    body);
  const more = h('button', {
    class: 'secondary', hidden: true,
    onclick: async () => {
      more.disabled = true;
      try {
        const page = await get(withQuery('/api/executions', { ...filters, limit: PAGE, cursor: next }));
        for (const e of page.executions) body.appendChild(row(e));
        shown += page.executions.length;
        next = page.nextCursor;
        more.hidden = !next;
      } finally {
        more.disabled = false;
      }
    },
  }, 'Show older');
  const status = h('div', { class: 'list-status' });

  replace(root,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Executions'),
      h('div', { class: 'filters' }, pipelineSelect, statusSelect),
      h('a', { class: 'button primary', href: '#/pipelines' }, 'Run a pipeline')),
    status, table, more);

  get('/api/pipelines').then(({ pipelines }) => {
    for (const p of pipelines) {
      pipelineSelect.appendChild(h('option', { value: p.identifier }, p.name || p.identifier));
    }
    pipelineSelect.value = filters.pipeline;
  }).catch(() => {});

  function row(e) {
    const open = () => navigate(`/executions/${enc(e.id)}`);
    return h('tr', { class: 'clickable', dataset: { id: e.id }, onclick: open },
      h('td', {}, statusBadge(e.status, e.queued)),
      h('td', {},
        h('a', { href: `#/executions/${enc(e.id)}`, onclick: (ev) => ev.stopPropagation() },
          e.pipelineName || e.pipelineId),
        h('span', { class: 'seq' }, ` #${e.sequenceId}`),
        e.retriedFrom ? h('span', { class: 'tag' }, 'retry') : null,
        e.failureMessage ? h('div', { class: 'failure-line' }, e.failureMessage) : null),
      h('td', {}, e.triggerType.toLowerCase()),
      h('td', { title: new Date(e.startedMs).toISOString() }, when(e.startedMs),
        h('span', { class: 'muted' }, ` · ${ago(e.startedMs)}`)),
      h('td', { class: 'num', dataset: isFinal(e.status) ? {} : { live: e.startedMs } },
        elapsed(e)));
  }

  async function refresh() {
    clearTimeout(timer);
    if (document.hidden) {  // the visibilitychange handler refreshes on return
      timer = setTimeout(refresh, REFRESH_MS);
      return;
    }
    try {
      const page = await get(withQuery('/api/executions',
        { ...filters, limit: Math.min(1000, shown) }));
      if (stopped) return;
      replace(body, page.executions.map(row));
      next = page.nextCursor;
      more.hidden = !next;
      replace(status, page.executions.length ? null
        : notice(filters.pipeline || filters.status ? 'No executions match these filters.'
          : 'No executions yet. Run a pipeline to see it here.'));
    } catch (e) {
      if (stopped) return;
      replace(status, notice(`Could not load executions: ${e.message}`, 'error'));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  const visibility = () => { if (!document.hidden) refresh(); };
  document.addEventListener('visibilitychange', visibility);
  refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', visibility);
  };
}
