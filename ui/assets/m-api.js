// The borrower app's session and API calls. The session (token, its expiry and the phone the
// borrower logged in with, for the SMS codes they ask for) lives in sessionStorage: it ends with the
// tab and is never in an address. Every call carries the bearer token; a 401 ends the session.
import { placeErrors } from '/ui/assets/m-words.js';

const SESSION_KEY = 'microloan.borrower';
const TIMEOUT_MS = 30_000;

export const session = {
  /** @returns {{ token: string, expiresAt: string, phone: string } | null} */
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
      if (!s || typeof s.token !== 'string' || Date.parse(s.expiresAt) <= Date.now()) return null;
      return s;
    } catch {
      return null;
    }
  },
  save(value) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

/** An error answer of the API, with its body `{ error: { code, message: { zh, en }, fields? } }`. */
export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.error?.message?.zh ?? `请求失败（HTTP ${status}）`);
    this.status = status;
    this.code = body?.error?.code ?? 'HTTP_ERROR';
    this.body = body ?? { error: { code: 'HTTP_ERROR', message: { zh: this.message, en: `HTTP ${status}` } } };
  }
}

function toLogin() {
  session.clear();
  location.assign('/m/');
}

/**
 * Calls the API. `body` is sent as JSON, `form` as multipart; `as: 'response'` hands back the
 * Response itself for bodies that are not JSON (the contract, the certificate).
 */
export async function api(path, { method = 'GET', body, form, headers = {}, auth = true, as = 'json' } = {}) {
  const sent = { ...headers };
  if (auth) {
    const current = session.get();
    if (!current) {
      toLogin();
      throw new ApiFailure(401, null);
    }
    sent.authorization = `Bearer ${current.token}`;
  }
  if (body !== undefined) sent['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: sent,
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiFailure(0, {
      error: { code: 'NETWORK', message: { zh: '网络不通，请检查网络后重试', en: 'Network error' } },
    });
  }
  if (response.status === 401 && auth) {
    toLogin();
    throw new ApiFailure(401, null);
  }
  if (!response.ok) throw new ApiFailure(response.status, await response.json().catch(() => null));
  if (as === 'response') return response;
  return response.status === 204 ? null : response.json();
}

/** Random hex, for payment ids and idempotency keys the client picks before the first attempt. */
export function randomId(bytes = 12) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Clears a form's error places, then puts each of the error's messages next to the field it names. */
export function showErrors(form, error) {
  clearErrors(form);
  const places = [...form.querySelectorAll('[data-error-for]')];
  const names = places.map((p) => p.dataset.errorFor).filter(Boolean);
  const body =
    error instanceof ApiFailure ? error.body : { error: { message: { zh: String(error?.message ?? error) } } };
  for (const [field, texts] of placeErrors(body, names)) {
    const place = places.find((p) => p.dataset.errorFor === field);
    if (!place) continue;
    place.textContent = texts.join('；');
    place.hidden = false;
    form.querySelector(`[name="${CSS.escape(field)}"]`)?.setAttribute('aria-invalid', 'true');
  }
}

export function clearErrors(form) {
  for (const place of form.querySelectorAll('[data-error-for]')) {
    place.hidden = true;
    place.textContent = '';
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** The page's own message at the top (not tied to a form). */
export function notice(text) {
  const box = document.getElementById('m-notice');
  box.textContent = text ?? '';
  box.hidden = !text;
}

/** A small DOM builder: el('li', { class: 'x', dataset: { a: 'b' } }, 'text', child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A <dl>'s rows from [term, value] pairs. */
export function fillTerms(list, rows) {
  list.replaceChildren(...rows.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));
}

/** Shows the log-out button and sends pages without a session to the login page. */
export function requireSession() {
  const current = session.get();
  if (!current) {
    toLogin();
    return null;
  }
  const logout = document.getElementById('m-logout');
  logout.hidden = false;
  logout.addEventListener('click', async () => {
    await api('/v1/auth/logout', { method: 'POST' }).catch(() => {});
    toLogin();
  });
  return current;
}

/** Runs `action` with the button disabled, so a double tap sends once. */
export async function busy(button, action) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    return await action();
  } finally {
    button.disabled = false;
  }
}

/** Counts down on a "send code" button after a code was sent (the gateway takes one a minute). */
export function countDown(button, seconds, label) {
  button.disabled = true;
  let left = seconds;
  const tick = () => {
    if (left <= 0) {
      button.disabled = false;
      button.textContent = label;
      return;
    }
    button.textContent = `${left} 秒后可重发`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}
