// The single page: a header with the signed-in user, and the view the
// address names after '#':
//   #/executions[?pipeline=ID&status=S]   executions, newest first, live
//   #/executions/ID[?tab=T&node=PATH]     one execution
//   #/pipelines                           pipelines, each with a run form
//   #/functions[/NAME]                    deployed functions
// A view is `render(root, route, session)` returning a function that stops
// whatever it keeps running (polls, event streams) when the view changes.
import { signOut, whoAmI, ApiError } from './api.js';
import { h, replace, notice } from './dom.js';
import * as executions from './views/executions.js';
import * as execution from './views/execution.js';
import * as pipelines from './views/pipelines.js';
import * as functions from './views/functions.js';
import * as login from './views/login.js';

const ROLES = ['viewer', 'executor', 'approver', 'admin'];

// What the signed-in user may do, as the server decides it (roles.h): the
// pages only hide what would be refused anyway.
export class Session {
  constructor(me) {
    this.user = me.user;
    this.role = me.role;
    this.groups = me.groups ?? [];
    this.anonymous = me.anonymous;
  }
  atLeast(role) {
    return !this.anonymous && ROLES.indexOf(this.role) >= ROLES.indexOf(role);
  }
  get canRun() { return this.atLeast('executor'); }
  get canApprove() { return this.atLeast('approver'); }
}

const views = [
  { pattern: /^\/executions\/([^/]+)$/, view: execution, nav: 'executions' },
  { pattern: /^\/executions$/, view: executions, nav: 'executions' },
  { pattern: /^\/pipelines$/, view: pipelines, nav: 'pipelines' },
  { pattern: /^\/functions\/([^/]+)$/, view: functions, nav: 'functions' },
  { pattern: /^\/functions$/, view: functions, nav: 'functions' },
];

let session = null;
let stop = () => {};

// "#/executions/abc?tab=logs" → {path: '/executions/abc', args: ['abc'], query}
function currentRoute() {
  const hash = location.hash.replace(/^#/, '') || '/executions';
  const [path, search = ''] = hash.split('?');
  return { path, query: new URLSearchParams(search) };
}

// "#/executions?status=Failed" from the parts of `query` that are set.
function hashFor(path, query) {
  const search = new URLSearchParams(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path, query = {}) {
  location.hash = hashFor(path, query);
}

// Changes the address without showing the view again (a tab or a filter
// the view already applied).
export function remember(path, query = {}) {
  history.replaceState(null, '', hashFor(path, query));
}

function header() {
  const bar = document.getElementById('who');
  const links = document.querySelectorAll('header nav a');
  const { path } = currentRoute();
  for (const a of links) a.classList.toggle('active', path.startsWith(`/${a.dataset.nav}`));
  if (!session) return replace(bar);
  if (session.anonymous) {
    return replace(bar, h('span', { class: 'who-role' }, 'read-only visitor'),
      h('button', { class: 'link', onclick: () => showLogin() }, 'Sign in'));
  }
  return replace(bar,
    h('span', { class: 'who-user', title: `groups: ${session.groups.join(', ') || 'none'}` },
      session.user),
    h('span', { class: 'who-role' }, session.role),
    h('button', {
      class: 'link',
      onclick: async () => {
        await signOut().catch(() => {});
        session = null;
        showLogin();
      },
    }, 'Sign out'));
}

function showLogin() {
  stop();
  header();
  const root = document.getElementById('view');
  stop = login.render(root, async () => {
    session = new Session(await whoAmI());
    show();
  });
}

function show() {
  stop();
  stop = () => {};
  const root = document.getElementById('view');
  const route = currentRoute();
  header();
  const match = views.map((v) => ({ v, m: route.path.match(v.pattern) })).find((x) => x.m);
  if (!match) {
    replace(root, notice(`Nothing at ${route.path}.`, 'error'),
      h('p', {}, h('a', { href: '#/executions' }, 'See the executions')));
    return;
  }
  route.args = match.m.slice(1).map(decodeURIComponent);
  try {
    stop = match.v.view.render(root, route, session) ?? (() => {});
  } catch (e) {
    replace(root, notice(e.message, 'error'));
  }
}

async function start() {
  window.addEventListener('hashchange', () => (session ? show() : showLogin()));
  // A request refused because the session ended brings the sign-in back.
  window.addEventListener('sluice:unauthenticated', () => {
    session = null;
    showLogin();
  });
  try {
    const me = await whoAmI();
    if (!me) return showLogin();
    session = new Session(me);
  } catch (e) {
    const text = e instanceof ApiError ? e.message : String(e);
    replace(document.getElementById('view'), notice(`Cannot reach the server: ${text}`, 'error'));
    return;
  }
  show();
}

start();
