// How times, durations, sizes and statuses read on the page.

// 1.3 s, 2 m 05 s, 1 h 02 m; an em dash for nothing.
export function duration(ms) {
  if (!ms || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

// "14:03:22" today, "26 Nov 14:03" this year, else the date.
export function when(ms) {
  if (!ms) return '—';
  const d = new Date(ms);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) {
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  const options = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  if (d.getFullYear() !== now.getFullYear()) options.year = 'numeric';
  return d.toLocaleString([], options);
}

// "3 min ago", for the time an execution started.
export function ago(ms, now = Date.now()) {
  if (!ms) return '';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// Statuses as the engine records them (Harness' names), grouped by how
// they look: the class `status-<group>` colours them.
const GROUPS = {
  Success: 'success',
  IgnoreFailed: 'success',
  Failed: 'failed',
  Errored: 'failed',
  ApprovalRejected: 'failed',
  Expired: 'failed',
  Running: 'running',
  WaitStepRunning: 'running',
  ApprovalWaiting: 'waiting',
  InterventionWaiting: 'waiting',
  Queued: 'queued',
  NotStarted: 'queued',
  Aborted: 'aborted',
  Skipped: 'skipped',
  Suspended: 'skipped',
};

export function statusGroup(status) {
  return GROUPS[status] ?? 'other';
}

// Finished: nothing about it will change unless someone acts.
export function isFinal(status) {
  return !['Running', 'WaitStepRunning', 'Queued', 'NotStarted', 'ApprovalWaiting',
    'InterventionWaiting'].includes(status);
}

// "ApprovalWaiting" → "Approval waiting".
export function statusLabel(status) {
  if (!status) return 'Not started';
  const words = status.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
