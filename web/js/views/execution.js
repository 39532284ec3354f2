// One execution: its header and actions, approvals waiting, the stage
// graph, and tabs for logs, outputs, tests, security, policy, artifacts,
// approvals and the pipeline as it ran. Everything stays live: the page
// listens to the execution's server-sent events (node changes, log lines,
// status; src/server/events.h) and reloads the detail when a node
// finishes, for artifacts, policy results and approvals.
import { enc, get, post } from '../api.js';
import { h, replace, notice } from '../dom.js';
import { isFinal, when } from '../format.js';
import { navigate, remember } from '../main.js';
import { approvalCards } from './approvals.js';
import { elapsed, statusBadge } from './executions.js';
import { drawGraph, revealNode, stagesOf } from './graph.js';
import { LogPanel } from './logs.js';
import {
  artifactsPanel, outputsPanel, policyPanel, securityPanel, testsPanel, yamlPanel,
} from './panels.js';

const TABS = [
  { id: 'logs', label: 'Logs' },
  { id: 'outputs', label: 'Outputs' },
  { id: 'tests', label: 'Tests', count: (d) => d.nodes.filter((n) => n.details?.tests).length },
  { id: 'security', label: 'Security', count: (d) => d.nodes.filter((n) => n.details?.scan).length },
  { id: 'policy', label: 'Policy', count: (d) => d.policyEvaluations.length },
  { id: 'artifacts', label: 'Artifacts', count: (d) => d.artifacts.length },
  { id: 'approvals', label: 'Approvals', count: (d) => d.approvals.length },
  { id: 'pipeline', label: 'Pipeline' },
];

// The node to show first: one waiting or running, else the first that
// failed, else the last that ran.
function firstNode(nodes) {
  const steps = nodes.filter((n) => n.kind === 'step');
  return steps.find((n) => ['Running', 'ApprovalWaiting', 'InterventionWaiting'].includes(n.status))
    ?? steps.find((n) => ['Failed', 'Errored', 'Expired', 'ApprovalRejected'].includes(n.status))
    ?? [...steps].reverse().find((n) => n.status && n.status !== 'NotStarted')
    ?? steps[0] ?? nodes[0];
}

export function render(root, route, session) {
  const id = route.args[0];
  const path = `/executions/${enc(id)}`;
  let detail = null;
  let selected = route.query.get('node') ?? '';
  let tab = route.query.get('tab') ?? 'logs';
  let stream = null;
  let reloadTimer = 0;
  let ticker = 0;
  let stopped = false;
  const logs = new LogPanel();

  const head = h('div', { class: 'exec-head' });
  const banner = h('div', { class: 'banners' });
  const graph = h('div', { class: 'graph', role: 'group', 'aria-label': 'Stages' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel' });
  const live = h('span', { class: 'live', hidden: true }, 'live');
  replace(root, notice('Loading the execution…'));

  const nodeByPath = (p) => detail.nodes.find((n) => n.path === p);

  function select(nodePath) {
    selected = nodePath;
    if (tab !== 'logs' && tab !== 'outputs') tab = 'logs';
    remember(path, { tab, node: selected });
    drawGraph(graph, detail.nodes, selected, select, detail.layout);
    drawTabs();
    logs.show(nodeByPath(selected));
  }

  function drawHead() {
    const d = detail;
    const final = isFinal(d.status) && !d.queued;
    const actions = [];
    if (session.canRun && !final) {
      actions.push(h('button', {
        class: 'danger',
        onclick: (e) => {
          const what = `${d.pipelineName || d.pipelineId} #${d.sequenceId}`;
          if (window.confirm(`Abort ${what}? Its running steps are stopped.`)) act(e.target, 'abort', {});
        },
      }, 'Abort'));
    }
    if (session.canRun && final) {
      const from = h('select', { 'aria-label': 'Retry from' },
        h('option', { value: '' }, 'from the start'),
        stagesOf(d.nodes).map((s) => h('option', { value: s.node.path },
          `from ${s.node.name || s.node.identifier}`)));
      actions.push(h('span', { class: 'retry' },
        h('button', {
          class: 'secondary',
          onclick: async (e) => {
            const answer = await act(e.target, 'retry', from.value ? { from: from.value } : {});
            if (answer?.id) navigate(`/executions/${enc(answer.id)}`);
          },
        }, 'Retry'), from));
    }
    replace(head,
      h('nav', { class: 'crumbs' }, h('a', { href: '#/executions' }, 'Executions'), ' › ',
        h('a', { href: `#/executions?pipeline=${enc(d.pipelineId)}` }, d.pipelineName || d.pipelineId)),
      h('div', { class: 'title-row' },
        h('h1', {}, d.pipelineName || d.pipelineId, h('span', { class: 'seq' }, ` #${d.sequenceId}`)),
        statusBadge(d.status, d.queued), live,
        h('div', { class: 'actions' }, actions)),
      h('p', { class: 'meta' },
        `${d.triggerType.toLowerCase()} · started ${when(d.startedMs)} · `,
        h('span', { class: 'elapsed' }, elapsed(d)), ' · ',
        h('code', { title: 'execution id' }, d.id),
        d.retriedFrom ? [' · retry of ', h('a', { href: `#/executions/${enc(d.retriedFrom)}` },
          d.retriedFrom), d.retryFromNode ? ` from ${d.retryFromNode}` : ''] : null),
      d.failureMessage ? notice(d.failureMessage, 'error') : null,
      h('p', { class: 'notice notice-error action-problem', role: 'alert', hidden: true }));
  }

  async function act(button, verb, body) {
    const problem = head.querySelector('.action-problem');
    button.disabled = true;
    problem.hidden = true;
    try {
      const answer = await post(`/api/executions/${enc(id)}/${verb}`, body);
      scheduleReload(0);
      return answer;
    } catch (e) {
      problem.textContent = `${verb}: ${e.message}`;
      problem.hidden = false;
      return null;
    } finally {
      button.disabled = false;
    }
  }

  function drawBanner() {
    replace(banner, approvalCards(detail, session, () => scheduleReload(0), true));
  }

  function drawTabs() {
    replace(tabs, TABS.map((t) => {
      const n = t.count ? t.count(detail) : null;
      return h('button', {
        role: 'tab', class: `tab${t.id === tab ? ' active' : ''}`, 'aria-selected': String(t.id === tab),
        dataset: { tab: t.id },
        onclick: () => { tab = t.id; remember(path, { tab, node: selected }); drawTabs(); drawPanel(); },
      }, t.label, n ? h('span', { class: 'tab-count' }, String(n)) : null);
    }));
  }

  function drawPanel() {
    if (tab === 'logs') {
      replace(panel, logs.el);
      return;
    }
    const content = {
      outputs: () => outputsPanel(detail, selected),
      tests: () => testsPanel(detail),
      security: () => securityPanel(detail),
      policy: () => policyPanel(detail),
      artifacts: () => artifactsPanel(detail),
      approvals: () => approvalCards(detail, session, () => scheduleReload(0)),
      pipeline: () => yamlPanel(detail),
    }[tab];
    replace(panel, content ? content() : notice(`No tab ${tab}.`));
  }

  function drawAll() {
    drawHead();
    drawBanner();
    drawGraph(graph, detail.nodes, selected, select, detail.layout);
    drawTabs();
    // A frame (the report) is drawn again only when what it shows changed.
    if (tab !== 'artifacts' || !panel.querySelector('iframe')) drawPanel();
  }

  // The detail again, for what the events do not carry (artifacts, policy
  // evaluations, approvals).
  function scheduleReload(delay = 300) {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(async () => {
      try {
        const fresh = await get(`/api/executions/${enc(id)}`);
        if (stopped) return;
        const artifactsChanged = fresh.artifacts.length !== detail.artifacts.length;
        detail = fresh;
        drawHead();
        drawBanner();
        drawGraph(graph, detail.nodes, selected, select, detail.layout);
        drawTabs();
        if (tab !== 'logs' && (tab !== 'artifacts' || artifactsChanged)) drawPanel();
      } catch (e) {
        // The next event or reload tries again.
      }
    }, delay);
  }

  function upsertNode(node) {
    const i = detail.nodes.findIndex((n) => n.path === node.path);
    const before = i >= 0 ? detail.nodes[i].status : '';
    if (i >= 0) detail.nodes[i] = node;
    else {
      detail.nodes.push(node);
      detail.nodes.sort((a, b) => a.sortOrder - b.sortOrder);
    }
    drawGraph(graph, detail.nodes, selected, select, detail.layout);
    if (node.path === selected) logs.show(node);
    if (before !== node.status) {
      drawTabs();
      if (tab === 'outputs' || tab === 'tests' || tab === 'security') drawPanel();
      if (isFinal(node.status) || node.status === 'ApprovalWaiting') scheduleReload();
    }
  }

  function listen() {
    stream = new EventSource(`/api/executions/${enc(id)}/events`);
    stream.addEventListener('open', () => { live.hidden = false; });
    stream.addEventListener('execution', (e) => {
      const summary = JSON.parse(e.data);
      const changed = summary.status !== detail.status;
      Object.assign(detail, summary);
      drawHead();
      if (changed) scheduleReload();
    });
    stream.addEventListener('node', (e) => upsertNode(JSON.parse(e.data)));
    stream.addEventListener('log', (e) => {
      const { node, line } = JSON.parse(e.data);
      logs.add(node, line);
    });
    stream.addEventListener('end', () => {
      stream.close();
      live.hidden = true;
      scheduleReload(0);
    });
    stream.addEventListener('error', () => { live.hidden = true; });
  }

  get(`/api/executions/${enc(id)}`).then((d) => {
    if (stopped) return;
    detail = d;
    if (!selected || !nodeByPath(selected)) selected = firstNode(d.nodes)?.path ?? '';
    replace(root, head, banner, graph, tabs, panel);
    drawAll();
    revealNode(graph, selected);
    logs.show(nodeByPath(selected));
    listen();
    ticker = setInterval(() => {
      const el = head.querySelector('.elapsed');
      if (el && !detail.endedMs) el.textContent = elapsed(detail);
    }, 1000);
  }).catch((e) => {
    if (!stopped) replace(root, notice(`Execution ${id}: ${e.message}`, 'error'));
  });

  return () => {
    stopped = true;
    stream?.close();
    clearTimeout(reloadTimer);
    clearInterval(ticker);
  };
}
