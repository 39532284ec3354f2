// The stage graph: stages left to right as Harness' execution view draws
// them, each with its steps (step groups indented, rollback steps under
// their own heading) and their status and duration. Nodes come from the
// execution's `nodes` list in display order.
import { h, replace } from '../dom.js';
import { duration, statusGroup, statusLabel } from '../format.js';

// Stages in order, each {node, steps: [{node, depth, rollback}]}.
export function stagesOf(nodes) {
  const stages = [];
  const byPath = new Map();
  for (const node of nodes) {
    if (node.kind === 'stage') {
      const stage = { node, steps: [] };
      stages.push(stage);
      byPath.set(node.path, stage);
    }
  }
  for (const node of nodes) {
    if (node.kind === 'stage') continue;
    const stagePath = node.path.split('.')[0];
    const stage = byPath.get(stagePath);
    if (!stage) continue;
    const rest = node.path.slice(stagePath.length + 1).split('.');
    const rollback = rest.includes('rollback');
    const depth = rest.filter((part) => part !== 'rollback').length - 1;
    stage.steps.push({ node, depth, rollback });
  }
  return stages;
}

function icon(status) {
  const group = statusGroup(status);
  const glyph = { success: '✓', failed: '✕', running: '', waiting: '‖', aborted: '■',
    skipped: '–', queued: '', other: '·' }[group];
  return h('span', { class: `dot status-${group}`, 'aria-hidden': 'true' }, glyph);
}

function stepButton(step, selected, select) {
  const { node } = step;
  return h('li', {},
    h('button', {
      class: `step${node.path === selected ? ' selected' : ''}`,
      style: { '--depth': step.depth },
      dataset: { path: node.path, status: node.status || 'NotStarted' },
      title: `${node.type} · ${statusLabel(node.status)}`,
      onclick: () => select(node.path),
    },
    icon(node.status),
    h('span', { class: 'step-name' }, node.name || node.identifier),
    h('span', { class: 'step-time' }, node.durationMs ? duration(node.durationMs) : '')));
}

// Draws the graph into `el`; `select(path)` is called when a stage or step
// is clicked; `selected` is the path drawn as selected.
export function drawGraph(el, nodes, selected, select) {
  const stages = stagesOf(nodes);
  const columns = [];
  stages.forEach((stage, i) => {
    if (i > 0) columns.push(h('div', { class: 'edge', 'aria-hidden': 'true' }));
    const main = stage.steps.filter((s) => !s.rollback);
    const rollback = stage.steps.filter((s) => s.rollback);
    const { node } = stage;
    columns.push(h('section', {
      class: `stage status-${statusGroup(node.status)}${node.path === selected ? ' selected' : ''}`,
      dataset: { path: node.path, status: node.status || 'NotStarted' },
      'aria-label': `Stage ${node.name || node.identifier}`,
    },
    h('button', { class: 'stage-head', onclick: () => select(node.path) },
      icon(node.status),
      h('span', { class: 'stage-name' }, node.name || node.identifier),
      h('span', { class: 'stage-type' }, node.type)),
    h('div', { class: 'stage-meta' }, statusLabel(node.status),
      node.durationMs ? ` · ${duration(node.durationMs)}` : ''),
    h('ol', { class: 'steps' }, main.map((s) => stepButton(s, selected, select))),
    rollback.length ? h('div', { class: 'rollback-head' }, 'Rollback') : null,
    rollback.length ? h('ol', { class: 'steps' }, rollback.map((s) => stepButton(s, selected, select)))
      : null));
  });
  replace(el, columns);
}

// Scrolls the graph sideways so that `path`'s stage is in view.
export function revealNode(el, path) {
  const stage = el.querySelector(`.stage[data-path="${CSS.escape(path.split('.')[0])}"]`);
  stage?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}
