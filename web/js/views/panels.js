// The tabs of an execution besides its logs: outputs, test results, scan
// summaries, policy results, artifacts (HTML reports rendered in a
// sandboxed frame) and the pipeline as it ran. Each takes the execution's
// detail (GET /api/executions/{id}) and returns the tab's content.
import { enc } from '../api.js';
import { h, notice } from '../dom.js';
import { bytes, when } from '../format.js';

const nameOf = (node) => node.name || node.identifier;

function keyValues(object) {
  return h('table', { class: 'kv' }, h('tbody', {}, Object.entries(object).map(([k, v]) =>
    h('tr', {}, h('th', {}, k),
      h('td', {}, h('code', {}, typeof v === 'string' ? v : JSON.stringify(v)))))));
}

function section(title, ...content) {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), content);
}

// Every step's outputs, the selected one first; a step's warnings too.
export function outputsPanel(detail, selected) {
  const nodes = detail.nodes.filter((n) => Object.keys(n.outputs ?? {}).length ||
    n.details?.warnings?.length);
  nodes.sort((a, b) => (b.path === selected) - (a.path === selected));
  if (!nodes.length) return notice('No step has set outputs.');
  return nodes.map((n) => section(`${nameOf(n)} (${n.path})`,
    Object.keys(n.outputs ?? {}).length ? keyValues(n.outputs) : null,
    (n.details?.warnings ?? []).map((w) => notice(typeof w === 'string' ? w : JSON.stringify(w),
      'warning'))));
}

// JUnit results the steps reported (details.tests).
export function testsPanel(detail) {
  const nodes = detail.nodes.filter((n) => n.details?.tests);
  if (!nodes.length) return notice('No step reported JUnit test results.');
  return nodes.map((n) => {
    const t = n.details.tests;
    return section(nameOf(n),
      h('div', { class: 'counts' },
        count('passed', t.passed, 'success'), count('failed', t.failed, t.failed ? 'failed' : ''),
        count('skipped', t.skipped, ''), count('total', t.total, ''),
        h('span', { class: 'muted' }, ` in ${t.seconds.toFixed(2)} s, from ${t.files.join(', ')}`)),
      t.failures.length ? h('table', { class: 'list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Test'), h('th', {}, 'Outcome'), h('th', {}, 'Message'))),
        h('tbody', {}, t.failures.map((f) => h('tr', {},
          h('td', {}, [f.suite, f.class, f.name].filter(Boolean).join(' › ')),
          h('td', {}, f.outcome),
          h('td', {}, h('pre', { class: 'message' }, f.message)))))) : null);
  });
}

function count(label, n, group) {
  return h('span', { class: `count${group ? ` status-${group}` : ''}` },
    h('strong', {}, String(n)), ` ${label}`);
}

const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info', 'Unassigned'];

// Scans the steps ran (details.scan): findings by severity, then the list.
export function securityPanel(detail) {
  const nodes = detail.nodes.filter((n) => n.details?.scan);
  if (!nodes.length) return notice('No step scanned an image.');
  return nodes.map((n) => {
    const scan = n.details.scan;
    const by = scan.summary?.issuesBySeverityCount ?? {};
    return section(`${nameOf(n)}: ${scan.image || scan.target}`,
      h('p', { class: 'muted' }, scan.os?.prettyName || 'unknown OS', ' · ',
        h('code', {}, scan.manifestDigest),
        scan.vulnerabilitiesChecked ? '' : ' · no vulnerability database was imported'),
      h('div', { class: 'counts severities' }, SEVERITIES.map((s) =>
        h('span', { class: `count severity-${s.toLowerCase()}`, dataset: { severity: s } },
          h('strong', {}, String(by[s] ?? 0)), ` ${s.toLowerCase()}`))),
      scan.findings.length ? h('table', { class: 'list findings' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Severity'), h('th', {}, 'Finding'),
          h('th', {}, 'Where'))),
        h('tbody', {}, scan.findings.map((f) => h('tr', {},
          h('td', {}, h('span', { class: `sev severity-${f.severity.toLowerCase()}` }, f.severity)),
          h('td', {}, h('strong', {}, f.id), ' ', f.title,
            f.description ? h('div', { class: 'muted' }, f.description) : null),
          h('td', {}, f.package ? `${f.package} ${f.installedVersion}${f.fixedVersion ? ` → ${f.fixedVersion}` : ''}`
            : f.path ? `/${f.path}${f.line ? `:${f.line}` : ''}` : 'image config')))))
        : notice('No findings.'),
      (scan.warnings ?? []).map((w) => notice(w, 'warning')));
  });
}

// Policy evaluations: each policy's status and deny messages, and the
// input it judged.
export function policyPanel(detail) {
  const evaluations = detail.policyEvaluations ?? [];
  if (!evaluations.length) return notice('No policy was evaluated.');
  const byPath = new Map(detail.nodes.map((n) => [n.path, n]));
  return evaluations.map((e) => section(
    `${byPath.has(e.nodePath) ? nameOf(byPath.get(e.nodePath)) : e.nodePath}: ${e.status}`,
    h('table', { class: 'list policies' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Policy set'), h('th', {}, 'Policy'),
        h('th', {}, 'Severity'), h('th', {}, 'Result'), h('th', {}, 'Messages'))),
      h('tbody', {}, e.results.map((r) => h('tr', {},
        h('td', {}, r.policySetName || r.policySet),
        h('td', {}, r.policy),
        h('td', {}, r.severity),
        h('td', {}, h('span', {
          class: `badge status-${r.status === 'pass' ? 'success' : r.status === 'warning' ? 'waiting' : 'failed'}`,
        }, r.status)),
        h('td', {}, r.error ? h('span', { class: 'error-text' }, r.error) : null,
          r.denyMessages.length ? h('ul', { class: 'deny' }, r.denyMessages.map((m) => h('li', {}, m)))
            : null))))),
    h('details', {}, h('summary', {}, 'Input'),
      h('pre', { class: 'json' }, JSON.stringify(e.input, null, 2)))));
}

// The stored copy of an artifact: itself, or one stored with the same bytes
// (a report published by URL is the file an upload step stored).
function storedCopy(artifact, artifacts) {
  if (artifact.stored) return artifact;
  return artifacts.find((a) => a.stored && a.sha256 && a.sha256 === artifact.sha256) ?? null;
}

export function artifactUrl(detail, artifact) {
  return `/api/executions/${enc(detail.id)}/artifacts/${artifact.id}`;
}

// Artifacts, and HTML reports shown inline in a frame that may run
// nothing (the server adds a sandboxing CSP as well).
export function artifactsPanel(detail) {
  const artifacts = detail.artifacts ?? [];
  if (!artifacts.length) return notice('This execution stored no artifacts.');
  const byPath = new Map(detail.nodes.map((n) => [n.path, n]));
  const reports = [];
  const seen = new Set();
  for (const a of artifacts) {
    const stored = storedCopy(a, artifacts);
    if (stored && (stored.contentType ?? '').startsWith('text/html') && !seen.has(stored.id)) {
      seen.add(stored.id);
      reports.push(stored);
    }
  }
  return [
    h('table', { class: 'list artifacts' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Step'), h('th', { class: 'num' }, 'Size'),
        h('th', {}, 'Where'))),
      h('tbody', {}, artifacts.map((a) => {
        const stored = storedCopy(a, artifacts);
        const step = byPath.get(a.nodePath);
        return h('tr', {},
          h('td', {}, stored ? h('a', { href: artifactUrl(detail, stored), download: a.name }, a.name) : a.name),
          h('td', {}, step ? nameOf(step) : a.nodePath),
          h('td', { class: 'num' }, a.size ? bytes(a.size) : '—'),
          h('td', { class: 'url' }, h('code', { title: a.sha256 ? `sha256:${a.sha256}` : '' }, a.url)));
      }))),
    reports.map((r) => section(`${r.name} (${when(r.createdMs)})`,
      h('iframe', {
        class: 'report', title: r.name, src: artifactUrl(detail, r), sandbox: '',
        referrerpolicy: 'no-referrer', loading: 'lazy',
      }))),
  ];
}

export function yamlPanel(detail) {
  return [
    Object.keys(detail.inputs ?? {}).length ? section('Inputs', keyValues(detail.inputs)) : null,
    section('Pipeline as it ran', h('pre', { class: 'yaml' }, detail.pipelineYaml)),
  ];
}
