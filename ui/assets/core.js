// What every page shares: the session, the API client, the dictionary and language switch,
// number and date formats, a small DOM builder, and the page frame (navigation, log out).
import { formatDuration } from '/ui/assets/duration.js';
import { DICTIONARY, HOME, NAVIGATION, PERMISSIONS, TIME_ZONE } from '/ui/assets/site.js';

// ---------------------------------------------------------------- session

const SESSION_KEY = 'microloan.session';
const LANG_KEY = 'microloan.lang';

export const session = {
  /** @returns {{ token: string, role: string, username: string, expiresAt: string } | null} */
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

export function can(role, permission) {
  return (PERMISSIONS[role] ?? []).includes(permission);
}

export function homeFor(role) {
  return HOME[role] ?? '/';
}

function toLogin(reason) {
  const next = location.pathname + location.search;
  location.assign(`/?next=${encodeURIComponent(next)}${reason ? `&reason=${reason}` : ''}`);
}

// ---------------------------------------------------------------- API

/** An error answer of the API: `{ error: { code, message: { zh, en }, fields? } }`. */
export class ApiFailure extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message?.en ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code ?? 'HTTP_ERROR';
    this.text = error.message ?? { zh: `请求失败（HTTP ${status}）`, en: `Request failed (HTTP ${status})` };
    this.fields = error.fields ?? [];
  }
}

const API_TIMEOUT_MS = 30_000;

/**
 * Calls the JSON API with the session's bearer token. A 401 ends the session and returns to
 * the login page. `as: 'blob' | 'text'` reads other bodies.
 */
/**
 * Idempotency keys for a page's requests: the same body gets the same key, so pressing submit again
 * for the same decision is applied once by the server.
 */
export function requestKeys(prefix) {
  const sent = new Map();
  return (body) => {
    const what = JSON.stringify(body);
    if (!sent.has(what)) {
      const random = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0'));
      sent.set(what, `${prefix}-${random.join('')}`);
    }
    return sent.get(what);
  };
}

// ---------------------------------------------------------------- token refresh

/** A token this close to its expiry is renewed before the next call (POST /v1/auth/refresh). */
const REFRESH_WITHIN_MS = 10 * 60_000;
/** Activity (a click, a key) renews the token at most this often. */
const ACTIVITY_CHECK_MS = 30_000;
let refreshing = null;

/**
 * Renews the session's token when it expires within REFRESH_WITHIN_MS, once for every caller
 * waiting at the same time. A refusal (the session is too old, or was ended) leaves the token as
 * it is: the next call answers 401 and the page asks to sign in again.
 */
export function keepTokenFresh() {
  const s = session.get();
  if (!s || Date.parse(s.expiresAt) - Date.now() > REFRESH_WITHIN_MS) return Promise.resolve();
  refreshing ??= fetch('/v1/auth/refresh', {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}` },
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  })
    .then(async (response) => {
      if (!response.ok) return;
      const issued = await response.json();
      session.save({ ...s, token: issued.token, expiresAt: issued.expiresAt });
    })
    .catch(() => undefined)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** While the page is in use (clicks, keys), its token is renewed before it runs out. */
function refreshWhileInUse() {
  let last = 0;
  const onActivity = () => {
    if (Date.now() - last < ACTIVITY_CHECK_MS) return;
    last = Date.now();
    keepTokenFresh();
  };
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, onActivity, { passive: true });
}

export async function api(path, { method = 'GET', body, as = 'json', auth = true, idempotencyKey } = {}) {
  const headers = {};
  // The same key on a resubmitted form makes the server apply it once.
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  if (auth && path !== '/v1/auth/logout') await keepTokenFresh();
  const s = session.get();
  if (auth && s) headers.authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(API_TIMEOUT_MS),
  });
  if (!response.ok) {
    const errorBody = await response.json().catch(() => null);
    if (response.status === 401 && auth) {
      session.clear();
      toLogin('expired');
    }
    throw new ApiFailure(response.status, errorBody);
  }
  if (as === 'blob') return response.blob();
  if (as === 'text') return response.text();
  return response.status === 204 ? null : response.json();
}

/** Fetches a CSV export with the token and hands it to the browser as a download. */
export async function downloadFile(path, filename) {
  const blob = await api(path, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ---------------------------------------------------------------- language

export function lang() {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

/** The label `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const entry = DICTIONARY[key];
  const template = entry ? entry[lang()] : key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** A label for a code, falling back to the code itself when the dictionary has none. */
export function label(prefix, code) {
  return code == null ? '' : DICTIONARY[`${prefix}.${code}`] ? t(`${prefix}.${code}`) : String(code);
}

/** One side of the API's bilingual text. */
export function bi(text) {
  return text ? (text[lang()] ?? text.zh) : '';
}

const languageListeners = [];
export function onLanguageChange(listener) {
  languageListeners.push(listener);
}

function applyLanguage() {
  const current = lang();
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]'))
    node.placeholder = t(node.dataset.i18nPlaceholder);
  const title = document.querySelector('title[data-i18n-title]');
  if (title) document.title = `${t(title.dataset.i18nTitle)} · ${t('app.title')}`;
  const switcher = document.getElementById('lang-switch');
  if (switcher) switcher.title = t('lang.switchTitle');
}

function setLanguage(value) {
  localStorage.setItem(LANG_KEY, value);
  applyLanguage();
  for (const listener of languageListeners) listener();
}

// ---------------------------------------------------------------- formats

const moneyFormat = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });
const integerFormat = new Intl.NumberFormat('zh-CN');
const instantFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
// Business dates ("2026-12-15") are calendar dates: formatted as such, never shifted by a zone.
const calendarFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'UTC',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export const fmt = {
  /** "50000.00" → "¥50,000.00" */
  money(value) {
    if (value === null || value === undefined || value === '') return '—';
    return moneyFormat.format(Number(value));
  },
  integer(value) {
    return value === null || value === undefined ? '—' : integerFormat.format(value);
  },
  /** An instant, in the business time zone: "2026/11/28 10:48". */
  instant(iso) {
    return iso ? instantFormat.format(new Date(iso)) : '—';
  },
  /** A business date "2026-12-15" → "2026/12/15". */
  date(localDate) {
    return localDate ? calendarFormat.format(new Date(`${localDate}T00:00:00Z`)) : '—';
  },
  /** A decimal fraction "0.1200" → "12.00%". */
  percent(rate, digits = 2) {
    if (rate === null || rate === undefined || rate === '') return '—';
    return `${(Number(rate) * 100).toFixed(digits)}%`;
  },
  /** Seconds in the unit their size calls for: "0.4 秒", "12 分钟", "2.5 小时", "3 天". */
  duration(seconds) {
    return formatDuration(seconds, lang());
  },
  /** An age in hours as minutes, hours, or days and hours. */
  age(hours) {
    if (hours < 1) return t('age.minutes', { m: Math.max(0, Math.round(hours * 60)) });
    if (hours < 24) return t('age.hours', { h: Math.floor(hours) });
    return t('age.days', { d: Math.floor(hours / 24), h: Math.floor(hours % 24) });
  },
};

/** Today's date in the business time zone, "YYYY-MM-DD". */
export function businessToday() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export function addDays(localDate, days) {
  const d = new Date(`${localDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export { TIME_ZONE };

// ---------------------------------------------------------------- DOM

/**
 * Builds an element. Children are nodes or strings (always text, never HTML), so nothing the
 * API returns can inject markup. Attributes: `class`, `dataset`, `on<event>` handlers, others as-is.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A table: `columns` are `{ label, cell(row) → node or text, class? }`. */
export function table(columns, rows, { rowAttrs } = {}) {
  return el(
    'table',
    { class: 'data' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map((c) => el('th', { class: c.class, scope: 'col' }, c.label)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          rowAttrs ? rowAttrs(row) : {},
          columns.map((c) => el('td', { class: c.class }, c.cell(row))),
        ),
      ),
    ),
  );
}

/** A definition list of `[label, value]` pairs. */
export function facts(pairs) {
  return el(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', {}, value ?? '—'))),
  );
}

/**
 * An inline error box for an API failure or any other error. `fieldLabel` names the API's field
 * paths for people ("changes.annualRate" → "批准年利率（%）").
 */
export function errorBox(error, heading, fieldLabel = (field) => field) {
  const text = error instanceof ApiFailure ? bi(error.text) : String(error?.message ?? error);
  const fields = error instanceof ApiFailure ? error.fields : [];
  const lines = fields.map((f) => t('common.fieldProblem', { field: fieldLabel(f.field), message: bi(f.message) }));
  // A workflow refusal names one field with the same words as its message: say it once, with the field.
  const single = fields.length === 1 && bi(fields[0].message) === text;
  return el(
    'div',
    { class: 'alert alert-error', role: 'alert', dataset: { code: error?.code ?? 'ERROR' } },
    heading ? el('strong', {}, heading, ' ') : null,
    single ? lines[0] : text,
    !single && lines.length
      ? el(
          'ul',
          {},
          lines.map((line) => el('li', {}, line)),
        )
      : null,
  );
}

/** True for a refusal on permission (403): the viewer may not see it, nothing failed to load. */
export function isForbidden(error) {
  return error instanceof ApiFailure && error.status === 403;
}

/**
 * A box for data a page could not show: "无权查看" with the API's reason when the role may not
 * see it (403), "无法加载" with the cause only for a real failure (network, 5xx, timeout).
 */
export function loadErrorBox(error) {
  const forbidden = isForbidden(error);
  return el(
    'div',
    {
      class: `alert ${forbidden ? 'alert-warn' : 'alert-error'}`,
      role: 'alert',
      dataset: { code: error?.code ?? 'ERROR', load: forbidden ? 'forbidden' : 'failed' },
    },
    el('strong', {}, t(forbidden ? 'common.noAccess' : 'common.loadFailed')),
    ' ',
    error instanceof ApiFailure ? bi(error.text) : String(error?.message ?? error),
  );
}

export function badge(text, kind = '') {
  return el('span', { class: `badge ${kind}`.trim() }, text);
}

export function statusBadge(status) {
  return el('span', { class: `badge status status-${status}`, dataset: { status } }, label('status', status));
}

/** The approved amount once there is one; until then the amount applied for, marked as such. */
export function shownAmount(loan) {
  if (loan.approvedAmount) return el('span', { dataset: { amount: 'approved' } }, fmt.money(loan.approvedAmount));
  return el('span', { dataset: { amount: 'applied' }, title: t('amount.applied') }, fmt.money(loan.amount));
}

/** Replaces the children of the element with id `id`. */
export function replace(id, ...children) {
  const node = document.getElementById(id);
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

// ---------------------------------------------------------------- frame

function renderNavigation(user) {
  const here = location.pathname;
  const items = NAVIGATION[user.role] ?? [];
  replace(
    'nav',
    items.map((item) =>
      el(
        'a',
        {
          href: item.href,
          class: here === item.href || here.startsWith(`${item.href}/`) ? 'active' : '',
          'aria-current': here === item.href ? 'page' : false,
        },
        el('span', { dataset: { i18n: item.label } }, t(item.label)),
      ),
    ),
  );
  replace(
    'who',
    el('span', {}, user.username),
    ' · ',
    el('span', { dataset: { i18n: `role.${user.role}` } }, t(`role.${user.role}`)),
  );
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.addEventListener('click', async () => {
    await api('/v1/auth/logout', { method: 'POST' }).catch(() => null);
    session.clear();
    location.assign('/');
  });
}

/** Sets up the language switch; every page calls this first. */
export function startLanguage() {
  applyLanguage();
  document.getElementById('lang-switch')?.addEventListener('click', () => setLanguage(lang() === 'zh' ? 'en' : 'zh'));
}

/**
 * Starts a signed-in page: checks the session with the API, draws the navigation for the role,
 * checks the page's permission, then calls `init(user)`. When `init` returns a function, that
 * function redraws the page's data whenever the language changes.
 */
export async function startPage(init) {
  startLanguage();
  if (!session.get()) return toLogin();
  let user;
  try {
    user = await api('/v1/auth/me');
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) return;
    replace('main', errorBox(error));
    return;
  }
  renderNavigation(user);
  refreshWhileInUse();
  const permission = document.body.dataset.permission;
  if (permission && !can(user.role, permission)) {
    replace(
      'main',
      el(
        'div',
        { class: 'alert alert-error', role: 'alert' },
        el('span', { dataset: { i18n: 'common.forbidden' } }, t('common.forbidden')),
      ),
    );
    return;
  }
  const redraw = await init(user);
  if (typeof redraw === 'function') onLanguageChange(redraw);
}
