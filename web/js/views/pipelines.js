// The project's pipelines, each with a run form built from its runtime
// inputs: a choice of the pipeline's input sets, and one field per
// `<+input>` (a list when it has allowed values, its default filled in,
// its regex checked). Running opens the new execution.
import { enc, get, post } from '../api.js';
import { h, replace, notice } from '../dom.js';
import { navigate } from '../main.js';

// The form field of one runtime input.
function inputField(input, id) {
  const label = input.path;
  if (input.allowedValues?.length && !input.selectMany) {
    const select = h('select', { id, name: input.path },
      input.default ? null : h('option', { value: '' }, '(from an input set, or choose)'),
      input.allowedValues.map((v) => h('option', { value: v }, v)));
    if (input.default) select.value = input.default;
    return { label, el: select };
  }
  const el = h('input', {
    id, name: input.path, value: input.default ?? '',
    placeholder: input.selectMany && input.allowedValues?.length
      ? `one or more of ${input.allowedValues.join(', ')}, comma-separated` : input.text,
    pattern: input.regex ?? null,
    title: input.regex ? `must match ${input.regex}` : null,
  });
  return { label, el };
}

// The codebase's build is asked for as a branch (below), not as YAML.
const CODEBASE_BUILD = 'properties.ci.codebase.build';

function runForm(pipeline, session) {
  const asksBranch = pipeline.inputs.some((input) => input.path === CODEBASE_BUILD);
  const fields = pipeline.inputs.filter((input) => input.path !== CODEBASE_BUILD).map((input, i) => ({
    input, edited: false, ...inputField(input, `run-${pipeline.identifier}-${i}`),
  }));
  for (const f of fields) f.el.addEventListener('input', () => { f.edited = true; });
  const sets = pipeline.inputSets.map((s) => ({
    set: s,
    box: h('input', { type: 'checkbox', name: 'inputSet', value: s.identifier }),
  }));
  const branch = h('input', {
    id: `run-${pipeline.identifier}-branch`, name: 'branch',
    placeholder: asksBranch ? 'e.g. main (or from an input set)' : 'as the pipeline says',
  });
  const problem = h('pre', { class: 'notice notice-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Run');
  if (!session.canRun) {
    button.disabled = true;
    button.title = `Your role (${session.role ?? 'visitor'}) cannot run pipelines`;
  }
  return h('form', {
    class: 'run-form',
    'aria-label': `Run ${pipeline.name || pipeline.identifier}`,
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      problem.hidden = true;
      // With input sets chosen, only the fields changed here override them.
      const chosen = sets.filter((s) => s.box.checked).map((s) => s.set.identifier);
      const inputs = {};
      for (const f of fields) {
        if (f.el.value !== '' && (f.edited || !chosen.length)) inputs[f.input.path] = f.el.value;
      }
      const body = { inputs };
      if (chosen.length) body.inputSets = chosen;
      if (branch.value.trim()) body.branch = branch.value.trim();
      try {
        const started = await post(`/api/pipelines/${enc(pipeline.identifier)}/executions`, body);
        navigate(`/executions/${enc(started.id)}`);
      } catch (e) {
        problem.textContent = e.message;
        problem.hidden = false;
        button.disabled = false;
      }
    },
  },
  sets.length ? h('fieldset', { class: 'input-sets' }, h('legend', {}, 'Input sets'),
    sets.map((s) => h('label', { class: 'check' }, s.box, s.set.name || s.set.identifier))) : null,
  fields.length || asksBranch ? h('div', { class: 'fields' }, fields.map((f) =>
    [h('label', { for: f.el.id }, f.label), f.el]),
  asksBranch ? [h('label', { for: branch.id }, 'codebase branch'), branch] : null)
    : h('p', { class: 'muted' }, 'No runtime inputs.'),
  asksBranch ? null : h('details', { class: 'more' }, h('summary', {}, 'Branch'),
    h('label', { class: 'inline' }, 'Codebase branch ', branch)),
  problem,
  h('div', { class: 'actions' }, button));
}

export function render(root, route, session) {
  let stopped = false;
  replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Pipelines')),
    notice('Loading pipelines…'));
  get('/api/pipelines').then(({ pipelines }) => {
    if (stopped) return;
    if (!pipelines.length) {
      replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Pipelines')),
        notice('No pipelines in .harness/pipelines of this project.'));
      return;
    }
    replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Pipelines')),
      pipelines.map((p) => h('section', {
        class: 'card pipeline', dataset: { pipeline: p.identifier },
        'aria-label': p.name || p.identifier,
      },
      h('div', { class: 'pipeline-head' },
        h('h2', {}, p.name || p.identifier),
        h('code', { class: 'muted' }, p.file),
        h('a', { href: `#/executions?pipeline=${enc(p.identifier)}` }, 'Executions')),
      p.description ? h('p', {}, p.description) : null,
      p.errors ? notice(`${p.errors} validation error${p.errors === 1 ? '' : 's'}: run \`sluice validate\` to see them; it will not run until they are fixed.`, 'error') : null,
      runForm(p, session))));
  }).catch((e) => {
    if (!stopped) replace(root, notice(`Could not load pipelines: ${e.message}`, 'error'));
  });
  return () => { stopped = true; };
}
