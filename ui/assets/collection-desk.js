// The collections supervisor's desk: each collector's figures, every open case with its holder,
// reassignment (collector and reason) and assignment of the unassigned cases by the rule.
import { api, el, errorBox, fmt, label, loadErrorBox, replace, startPage, t, table } from '/ui/assets/core.js';

let figures = null;
let cases = null;
let failure = null;

async function load() {
  try {
    [figures, cases] = await Promise.all([api('/v1/collections/figures'), api('/v1/collections/cases')]);
    failure = null;
  } catch (error) {
    failure = error;
  }
  draw();
}

function say(node) {
  replace('desk-result', node);
}

async function reassign(caseId, row) {
  const collectorId = row.querySelector('select').value;
  const reason = row.querySelector('input').value.trim();
  try {
    await api(`/v1/collections/cases/${caseId}/reassign`, { method: 'POST', body: { collectorId, reason } });
    say(el('div', { class: 'alert alert-success', role: 'status' }, t('collections.reassigned')));
    await load();
  } catch (error) {
    say(errorBox(error, null, (field) => (field === 'reason' ? t('collections.reassign.reason') : field)));
  }
}

function reassignCell(c) {
  const box = el(
    'span',
    { class: 'inline-form' },
    el(
      'select',
      { 'aria-label': t('collections.col.assignee') },
      figures.collectors.map((x) =>
        el('option', { value: x.collectorId, selected: x.collectorId === c.assigneeId }, x.name),
      ),
    ),
    el('input', {
      placeholder: t('collections.reassign.reason'),
      maxlength: 500,
      'aria-label': t('collections.reassign.reason'),
    }),
  );
  box.append(
    el(
      'button',
      { type: 'button', class: 'button', dataset: { reassign: c.caseId }, onclick: () => reassign(c.caseId, box) },
      t('collections.reassign'),
    ),
  );
  return box;
}

function draw() {
  if (failure) return replace('figures', loadErrorBox(failure));
  if (!figures || !cases) return;
  replace(
    'figures',
    table(
      [
        { label: t('collections.col.assignee'), cell: (x) => x.name },
        {
          label: t('collections.col.coverage'),
          cell: (x) =>
            [
              x.buckets.length ? x.buckets.map((b) => label('bucket', b)).join('、') : t('common.all'),
              x.provinces.length ? x.provinces.join('、') : t('common.all'),
            ].join(' / '),
        },
        { label: t('collections.col.openCases'), class: 'num', cell: (x) => fmt.integer(x.openCases) },
        { label: t('collections.col.contacts'), class: 'num', cell: (x) => fmt.integer(x.contacts) },
        { label: t('collections.col.ptpMade'), class: 'num', cell: (x) => fmt.integer(x.promisesMade) },
        { label: t('collections.col.ptpKept'), class: 'num', cell: (x) => fmt.integer(x.promisesKept) },
        { label: t('collections.col.ptpBroken'), class: 'num', cell: (x) => fmt.integer(x.promisesBroken) },
        { label: t('collections.col.recovered'), class: 'num', cell: (x) => fmt.money(x.recovered) },
      ],
      figures.collectors,
      { rowAttrs: (x) => ({ dataset: { collectorId: x.collectorId } }) },
    ),
  );
  replace(
    'cases',
    cases.cases.length
      ? table(
          [
            {
              label: t('collections.col.case'),
              cell: (c) => el('a', { href: `/loans/${c.loanId}`, class: 'mono' }, c.loanId),
            },
            { label: t('collections.col.dpd'), class: 'num', cell: (c) => fmt.integer(c.daysPastDue) },
            { label: t('collections.col.bucket'), cell: (c) => label('bucket', c.bucket) },
            { label: t('collections.col.province'), cell: (c) => c.province ?? '—' },
            { label: t('collections.col.priority'), cell: (c) => label('priority', c.priority) },
            { label: t('collections.col.assignee'), cell: (c) => c.assigneeName ?? '—' },
            { label: t('collections.col.contacts'), class: 'num', cell: (c) => fmt.integer(c.contacts) },
            { label: t('collections.col.action'), cell: reassignCell },
          ],
          cases.cases,
          { rowAttrs: (c) => ({ dataset: { caseId: c.caseId } }) },
        )
      : el('p', { class: 'empty' }, t('collections.empty')),
  );
}

startPage(async () => {
  document.getElementById('by-rule').addEventListener('click', async () => {
    try {
      const { assigned } = await api('/v1/collections/assign-by-rule', { method: 'POST' });
      say(
        el(
          'div',
          { class: 'alert alert-success', role: 'status' },
          t('collections.byRule.done', { n: assigned.length }),
        ),
      );
      await load();
    } catch (error) {
      say(errorBox(error));
    }
  });
  await load();
  return draw;
});
