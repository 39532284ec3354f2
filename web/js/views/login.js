// Sign-in: a user name and password for a browser session (POST
// /api/session). Users are made with `sluice user add`.
import { signIn } from '../api.js';
import { h, replace } from '../dom.js';

export function render(root, signedIn) {
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password',
    required: true,
  });
  const problem = h('p', { class: 'notice notice-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', {
    class: 'card login',
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      problem.hidden = true;
      try {
        await signIn(user.value.trim(), password.value);
        await signedIn();
      } catch (e) {
        problem.textContent = e.message;
        problem.hidden = false;
        password.select();
      } finally {
        button.disabled = false;
      }
    },
  },
  h('h1', {}, 'Sign in to sluice'),
  h('label', { for: 'login-user' }, 'User name'), user,
  h('label', { for: 'login-password' }, 'Password'), password,
  problem,
  button,
  h('p', { class: 'hint' }, 'No account? An admin adds one with ',
    h('code', {}, 'sluice user add NAME --role viewer'), '.'));
  replace(root, form);
  user.focus();
  return () => {};
}
