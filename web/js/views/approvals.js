// The approval panel: what an execution waits for, who may decide, who
// already did; and, for a signed-in approver, a form to approve or reject
// with a comment and the approver inputs (POST /api/executions/{id}/
// approve|reject). The server decides who may act (role, user groups, not
// the executor when disallowed, once per user) and says why when it
// refuses; the panel shows that message.
import { enc, post } from '../api.js';
import { h, notice } from '../dom.js';
import { ago, when } from '../format.js';

const LABELS = { Waiting: 'Waiting for approval', Approved: 'Approved', Rejected: 'Rejected',
  Expired: 'Expired' };
const GROUPS = { Waiting: 'waiting', Approved: 'success', Rejected: 'failed', Expired: 'failed' };

function activity(a) {
  const verb = a.action === 'APPROVE' ? 'approved' : a.action === 'REJECT' ? 'rejected'
    : a.action.toLowerCase();
  return h('li', { class: `activity activity-${verb}` },
    h('strong', {}, a.user?.name ?? '?'), ` ${verb} `,
    h('span', { class: 'muted', title: new Date(a.approvedAt).toISOString() }, ago(a.approvedAt)),
    a.comments ? h('blockquote', {}, a.comments) : null,
    a.approverInputs?.length ? h('div', { class: 'muted' },
      a.approverInputs.map((i) => `${i.name} = ${i.value}`).join(', ')) : null);
}

// One approval; `decided()` runs after this user's decision was recorded.
function approvalCard(detail, approval, session, nodeName, decided) {
  const waiting = approval.status === 'Waiting';
  const card = h('section', {
    class: `card approval status-${GROUPS[approval.status] ?? 'other'}`,
    dataset: { step: approval.step, status: approval.status },
    'aria-label': `Approval ${nodeName}`,
  },
  h('div', { class: 'approval-head' },
    h('h3', {}, `${LABELS[approval.status] ?? approval.status}: ${nodeName}`),
    h('span', { class: 'muted' },
      `${approval.activities.filter((a) => a.action === 'APPROVE').length} of ${approval.minimumCount} approval${approval.minimumCount === 1 ? '' : 's'}`)),
  approval.message ? h('p', { class: 'approval-message' }, approval.message) : null,
  h('p', { class: 'muted' }, 'Approvers: ',
    approval.userGroups.length ? approval.userGroups.join(', ') : 'no group listed',
    approval.disallowPipelineExecutor ? ' · the person who ran the pipeline may not approve' : '',
    waiting && approval.deadlineMs ? ` · expires ${when(approval.deadlineMs)}` : '',
    !waiting && approval.decidedMs ? ` · decided ${when(approval.decidedMs)}` : ''),
  approval.activities.length ? h('ul', { class: 'activities' }, approval.activities.map(activity)) : null);
  if (!waiting) return card;
  if (!session.canApprove) {
    card.appendChild(notice(session.anonymous
      ? 'Sign in as an approver to approve or reject.'
      : `Your role (${session.role}) cannot approve or reject; an approver or admin in ${approval.userGroups.join(', ') || 'the listed groups'} can.`,
    'info'));
    return card;
  }
  const comments = h('textarea', { name: 'comments', rows: 2, 'aria-label': 'Comment',
    placeholder: 'Comment (optional)' });
  const inputs = approval.approverInputs.map((i) => ({
    name: i.name,
    el: h('input', { name: i.name, value: i.defaultValue ?? '', 'aria-label': i.name }),
  }));
  const problem = h('p', { class: 'notice notice-error', role: 'alert', hidden: true });
  const decide = async (verb, buttons) => {
    for (const b of buttons) b.disabled = true;
    problem.hidden = true;
    try {
      await post(`/api/executions/${enc(detail.id)}/${verb}`, {
        step: approval.step,
        comments: comments.value,
        inputs: Object.fromEntries(inputs.map((i) => [i.name, i.el.value])),
      });
      decided();
    } catch (e) {
      problem.textContent = e.message;
      problem.hidden = false;
      for (const b of buttons) b.disabled = false;
    }
  };
  const approve = h('button', { type: 'button', class: 'primary approve' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'danger reject' }, 'Reject');
  approve.addEventListener('click', () => decide('approve', [approve, reject]));
  reject.addEventListener('click', () => decide('reject', [approve, reject]));
  card.appendChild(h('form', { class: 'approval-form', onsubmit: (e) => e.preventDefault() },
    inputs.length ? h('div', { class: 'approver-inputs' }, inputs.map((i) =>
      h('label', {}, i.name, i.el))) : null,
    comments,
    h('div', { class: 'actions' }, approve, reject),
    problem));
  return card;
}

// Cards of the execution's approvals (only those still waiting, for the
// banner above the graph, with `onlyWaiting`).
export function approvalCards(detail, session, decided, onlyWaiting = false) {
  const byPath = new Map(detail.nodes.map((n) => [n.path, n]));
  return (detail.approvals ?? []).filter((a) => !onlyWaiting || a.status === 'Waiting')
    .map((a) => approvalCard(detail, a, session, byPath.get(a.step)?.name || a.step, decided));
}
