// The log of the selected node: lines as they arrive, a search that keeps
// only the matching lines (case-insensitive, matches marked), and
// following the end while the view is scrolled to the bottom. Lines are
// masked by the server before they are stored; the page never sees a
// secret's value.
import { h, replace } from '../dom.js';

const MAX_DRAWN = 20000;  // beyond this, only the last lines are drawn

export class LogPanel {
  constructor() {
    this.lines = new Map();  // node path → [line]
    this.path = '';
    this.query = '';
    this.pending = [];
    this.frame = 0;
    this.search = h('input', {
      type: 'search', class: 'log-search', placeholder: 'Search this log', 'aria-label': 'Search the log',
      oninput: () => { this.query = this.search.value; this.redraw(); },
    });
    this.count = h('span', { class: 'log-count', 'aria-live': 'polite' });
    this.title = h('h2', { class: 'log-title' });
    this.failure = h('p', { class: 'notice notice-error', hidden: true });
    this.body = h('pre', { class: 'log', tabindex: '0', 'aria-label': 'Log' });
    this.el = h('div', { class: 'log-panel' },
      h('div', { class: 'log-bar' }, this.title, this.search, this.count),
      this.failure, this.body);
  }

  // Shows `node`'s log (and its failure, if it failed).
  show(node) {
    this.path = node?.path ?? '';
    this.title.textContent = node ? `${node.name || node.identifier} · log` : 'Log';
    this.failure.hidden = !node?.failureMessage;
    this.failure.textContent = node?.failureMessage
      ? `${node.failureType && node.failureType !== 'Unknown' ? `${node.failureType}: ` : ''}${node.failureMessage}` : '';
    this.redraw();
  }

  // One line of `path`'s log arrived.
  add(path, line) {
    if (!this.lines.has(path)) this.lines.set(path, []);
    this.lines.get(path).push(line);
    if (path !== this.path) return;
    this.pending.push(line);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  // Everything of `path` again (after a page's reload of the whole log).
  set(path, text) {
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    this.lines.set(path, lines);
    if (path === this.path) this.redraw();
  }

  flush() {
    this.frame = 0;
    const atEnd = this.atEnd();
    const fragment = document.createDocumentFragment();
    for (const line of this.pending) {
      if (this.matches(line)) fragment.appendChild(this.lineNode(line));
    }
    this.pending = [];
    this.body.querySelector('.log-empty')?.remove();
    this.body.appendChild(fragment);
    this.updateCount();
    if (atEnd) this.body.scrollTop = this.body.scrollHeight;
  }

  redraw() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
    const all = this.lines.get(this.path) ?? [];
    const shown = all.filter((line) => this.matches(line));
    const drawn = shown.slice(-MAX_DRAWN);
    replace(this.body, drawn.map((line) => this.lineNode(line)));
    if (!all.length) this.body.appendChild(h('span', { class: 'log-empty' }, 'No output yet.'));
    this.updateCount();
    this.body.scrollTop = this.query ? 0 : this.body.scrollHeight;
  }

  matches(line) {
    return !this.query || line.toLowerCase().includes(this.query.toLowerCase());
  }

  // A line with the search's matches marked.
  lineNode(line) {
    const el = h('span', { class: 'log-line' });
    if (!this.query) {
      el.textContent = `${line}\n`;
      return el;
    }
    const lower = line.toLowerCase();
    const q = this.query.toLowerCase();
    let at = 0;
    for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, at)) {
      el.append(line.slice(at, i), h('mark', {}, line.slice(i, i + q.length)));
      at = i + q.length;
    }
    el.append(`${line.slice(at)}\n`);
    return el;
  }

  updateCount() {
    const all = this.lines.get(this.path) ?? [];
    if (!this.query) {
      this.count.textContent = `${all.length} line${all.length === 1 ? '' : 's'}`;
      return;
    }
    const n = all.filter((line) => this.matches(line)).length;
    this.count.textContent = `${n} of ${all.length} lines match`;
  }

  atEnd() {
    const b = this.body;
    return b.scrollHeight - b.scrollTop - b.clientHeight < 24;
  }
}
