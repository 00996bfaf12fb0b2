// The compliance officer's desk: open screening hits (held applications and re-screened borrowers)
// to clear or confirm, and large-value and suspicious report drafts to submit or dismiss, each with a
// reason. Names come masked from the API; every decision is audited there.
import { api, el, errorBox, fmt, loadErrorBox, replace, startPage, t, table } from '/ui/assets/core.js';

let reviews = null;
let reports = null;
/** The last decision's outcome: `{ ok: true, item }`, `{ ok: false, error }` or `{ ok: false, missingReason: true }`. */
let outcome = null;

async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

async function load() {
  const [r, p] = await Promise.all([
    settle(api('/v1/aml/reviews?status=OPEN&limit=200')),
    settle(api('/v1/aml/reports?status=DRAFT&limit=200')),
  ]);
  reviews = r.error ? { error: r.error } : { rows: r.value.items };
  reports = p.error ? { error: p.error } : { rows: p.value.items };
  draw();
}

async function decide(path, item, reasonInput, buttons) {
  const reason = reasonInput.value.trim();
  if (!reason) {
    outcome = { ok: false, missingReason: true };
    return drawOutcome();
  }
  for (const b of buttons) b.disabled = true;
  try {
    await api(path, { method: 'POST', body: { reason } });
    outcome = { ok: true, item };
    await load();
  } catch (error) {
    outcome = { ok: false, error };
    drawOutcome();
    for (const b of buttons) b.disabled = false;
  }
}

function decisionCell(base, item, actions) {
  const reason = el('input', {
    type: 'text',
    name: 'reason',
    maxlength: 500,
    placeholder: t('aml.reasonPlaceholder'),
    'aria-label': t('aml.reasonPlaceholder'),
  });
  const buttons = actions.map(([action, key, primary]) =>
    el('button', { type: 'button', class: primary ? 'button primary' : 'button', dataset: { action } }, t(key)),
  );
  buttons.forEach((button, i) =>
    button.addEventListener('click', () => decide(`${base}/${actions[i][0]}`, item, reason, buttons)),
  );
  return el('div', { class: 'actions' }, reason, ...buttons);
}

function drawOutcome() {
  if (!outcome) return replace('result');
  if (outcome.ok)
    return replace(
      'result',
      el(
        'div',
        { class: 'alert alert-success', id: 'decision-notice', role: 'status' },
        t('aml.done', { item: outcome.item }),
      ),
    );
  if (outcome.missingReason)
    return replace('result', el('div', { class: 'alert alert-error', role: 'alert' }, t('aml.reasonMissing')));
  return replace('result', errorBox(outcome.error, t('aml.refused')));
}

function drawReviews() {
  if (!reviews) return;
  if (reviews.error) return replace('reviews', loadErrorBox(reviews.error));
  if (reviews.rows.length === 0) return replace('reviews', el('p', { class: 'empty' }, t('aml.reviews.empty')));
  replace(
    'reviews',
    table(
      [
        { label: t('aml.col.kind'), cell: (r) => `${t(`aml.kind.${r.kind}`)} · ${t(`aml.match.${r.match}`)}` },
        {
          label: t('aml.col.person'),
          cell: (r) =>
            el('a', { href: `/borrowers/${encodeURIComponent(r.borrowerId)}` }, r.borrowerName ?? r.borrowerId),
        },
        { label: t('aml.col.entry'), cell: (r) => [r.list, r.entryName, r.entryIdNumber].filter(Boolean).join(' · ') },
        { label: t('aml.col.loan'), cell: (r) => el('span', { class: 'mono' }, r.loanId ?? '—') },
        { label: t('aml.col.since'), cell: (r) => fmt.instant(r.createdAt) },
        {
          label: t('aml.col.decision'),
          cell: (r) =>
            decisionCell(`/v1/aml/reviews/${encodeURIComponent(r.id)}`, r.borrowerName ?? r.id, [
              ['clear', 'aml.clear', true],
              ['confirm', 'aml.confirm', false],
            ]),
        },
      ],
      reviews.rows,
      { rowAttrs: (r) => ({ dataset: { reviewId: r.id } }) },
    ),
  );
}

function drawReports() {
  if (!reports) return;
  if (reports.error) return replace('reports', loadErrorBox(reports.error));
  if (reports.rows.length === 0) return replace('reports', el('p', { class: 'empty' }, t('aml.reports.empty')));
  replace(
    'reports',
    table(
      [
        { label: t('aml.col.day'), cell: (r) => fmt.date(r.day) },
        { label: t('aml.col.rule'), cell: (r) => t(`aml.rule.${r.rule}`) },
        {
          label: t('aml.col.person'),
          cell: (r) =>
            el('a', { href: `/borrowers/${encodeURIComponent(r.customerId)}` }, r.customerName ?? r.customerId),
        },
        { label: t('aml.col.amount'), class: 'num', cell: (r) => fmt.money(r.amount) },
        {
          label: t('aml.col.decision'),
          cell: (r) =>
            decisionCell(`/v1/aml/reports/${encodeURIComponent(r.id)}`, `${t(`aml.rule.${r.rule}`)} ${r.day}`, [
              ['submit', 'aml.submit', true],
              ['dismiss', 'aml.dismiss', false],
            ]),
        },
      ],
      reports.rows,
      { rowAttrs: (r) => ({ dataset: { reportId: r.id } }) },
    ),
  );
}

function draw() {
  drawOutcome();
  drawReviews();
  drawReports();
}

startPage(async () => {
  document.getElementById('refresh').addEventListener('click', () => {
    outcome = null;
    load();
  });
  await load();
  return draw;
});
