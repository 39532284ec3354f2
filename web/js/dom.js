// Building the page from data without HTML strings: every text a server
// or a user wrote goes in as text, never as markup.
//
//   h('a', {href: '#/x', class: 'link', onclick: fn}, 'text', child, [more])
//
// Attributes: `class`, `text`, `dataset` and `style` (objects: property →
// value), `on<event>` handlers,
// boolean `true`/`false` (set or left out) and anything else as a string.
// Children: nodes, strings and numbers (as text), arrays (flattened), and
// null/undefined/false (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') {
      // Through the CSSOM: the UI's content security policy refuses style="".
      for (const [property, v] of Object.entries(value)) el.style.setProperty(property, String(v));
    }
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// Replaces everything inside `el` with `children`.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A message in place of content: while loading, when empty, on errors.
export function notice(text, kind = 'info') {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : null }, text);
}
