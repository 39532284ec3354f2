// The stage graph: stages left to right as Harness' execution view draws
// them — the stages of a parallel block stacked in one column — each with
// its steps (step groups indented, a parallel block of steps marked by a
// bar beside it, rollback steps under their own heading) and their status
// and duration. Nodes come from the execution's `nodes` list in display
// order; the columns and parallel steps from its `layout`.
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

function stepButton(step, selected, select, parallel) {
  const { node } = step;
  const block = parallel.get(node.path);
  return h('li', { class: block ? `parallel${block.first ? ' parallel-first' : ''}${block.last ? ' parallel-last' : ''}` : null },
    h('button', {
      class: `step${node.path === selected ? ' selected' : ''}`,
      style: { '--depth': step.depth },
      dataset: { path: node.path, status: node.status || 'NotStarted' },
      title: `${node.type} · ${statusLabel(node.status)}${block ? ' · runs in parallel' : ''}`,
      onclick: () => select(node.path),
    },
    icon(node.status),
    h('span', { class: 'step-name' }, node.name || node.identifier),
    h('span', { class: 'step-time' }, node.durationMs ? duration(node.durationMs) : '')));
}

function stageCard(stage, selected, select, parallel) {
  const main = stage.steps.filter((s) => !s.rollback);
  const rollback = stage.steps.filter((s) => s.rollback);
  const { node } = stage;
  return h('section', {
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
  h('ol', { class: 'steps' }, main.map((s) => stepButton(s, selected, select, parallel))),
  rollback.length ? h('div', { class: 'rollback-head' }, 'Rollback') : null,
  rollback.length
    ? h('ol', { class: 'steps' }, rollback.map((s) => stepButton(s, selected, select, parallel)))
    : null);
}

// Columns of stages: the layout's, then any stage it does not name on its own.
function columnsOf(stages, layout) {
  const byId = new Map(stages.map((s) => [s.node.path, s]));
  const placed = new Set();
  const columns = [];
  for (const ids of layout?.stageColumns ?? []) {
    const column = ids.map((id) => byId.get(id)).filter(Boolean);
    column.forEach((s) => placed.add(s.node.path));
    if (column.length) columns.push(column);
  }
  for (const s of stages) if (!placed.has(s.node.path)) columns.push([s]);
  return columns;
}

// Draws the graph into `el`; `select(path)` is called when a stage or step
// is clicked; `selected` is the path drawn as selected; `layout` is the
// execution's (columns of parallel stages, blocks of parallel steps).
export function drawGraph(el, nodes, selected, select, layout) {
  const parallel = new Map();
  for (const block of layout?.parallelSteps ?? []) {
    block.forEach((path, i) => parallel.set(path, { first: i === 0, last: i === block.length - 1 }));
  }
  const columns = [];
  columnsOf(stagesOf(nodes), layout).forEach((column, i) => {
    if (i > 0) columns.push(h('div', { class: 'edge', 'aria-hidden': 'true' }));
    columns.push(h('div', { class: `column${column.length > 1 ? ' parallel-stages' : ''}` },
      column.map((stage) => stageCard(stage, selected, select, parallel))));
  });
  replace(el, columns);
}

// Scrolls the graph sideways so that `path`'s stage is in view.
export function revealNode(el, path) {
  const stage = el.querySelector(`.stage[data-path="${CSS.escape(path.split('.')[0])}"]`);
  stage?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}
