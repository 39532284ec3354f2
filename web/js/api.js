// The server's REST API (/openapi.json) as the pages use it. Requests carry
// the session cookie; writes carry the session's CSRF token. Failures throw
// ApiError with the server's {code, message}.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = '';

// Who is signed in: {user, role, groups, method, anonymous}, or null when
// nobody is and the server does not let anonymous visitors read.
export async function whoAmI() {
  try {
    const me = await call('GET', '/api/me');
    csrfToken = me.csrfToken ?? '';
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function signIn(user, password) {
  const session = await call('POST', '/api/session', { user, password });
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut() {
  await call('DELETE', '/api/session');
  csrfToken = '';
}

// One request as fetch answers it, whatever its status. `body` is sent as
// JSON (a string as it is).
export async function send(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'Unreachable', `the server did not answer (${e.message}); is it running?`);
  }
}

// One request. The answer is parsed as JSON when the server says it is
// JSON, else returned as text; an error status throws ApiError.
export async function call(method, path, body) {
  const response = await send(method, path, body);
  const type = response.headers.get('Content-Type') ?? '';
  const payload = type.includes('json') ? await response.json().catch(() => null)
    : await response.text();
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/me' && path !== '/api/session') {
      window.dispatchEvent(new Event('sluice:unauthenticated'));
    }
    const code = payload?.code ?? `HTTP ${response.status}`;
    const message = payload?.message || (typeof payload === 'string' && payload) ||
      response.statusText;
    throw new ApiError(response.status, code, message);
  }
  return payload;
}

export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);

// "/api/executions?status=Running&limit=50" from the parts that are set.
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export const enc = encodeURIComponent;
