// Staff search: a loan by phone, ID number, name or loan id, within the user's scope. The API
// looks the text up by blind index and answers masked; each search is audited.
import { api, el, errorBox, fmt, label, replace, startPage, statusBadge, t, table } from '/ui/assets/core.js';

const form = document.getElementById('search');
let answer = null;
let failure = null;

async function search(q) {
  history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ q })}`);
  try {
    answer = await api(`/v1/search?${new URLSearchParams({ q })}`);
    failure = null;
  } catch (error) {
    answer = null;
    failure = error;
  }
  draw();
}

function draw() {
  if (failure)
    return replace(
      'content',
      errorBox(failure, null, () => t('search.q')),
    );
  if (!answer) return;
  if (answer.results.length === 0) return replace('content', el('p', { class: 'empty' }, t('search.empty')));
  replace(
    'content',
    table(
      [
        {
          label: t('inbox.col.loan'),
          cell: (r) => el('a', { href: `/loans/${r.loanId}`, class: 'mono' }, r.loanId),
        },
        {
          label: t('search.col.borrower'),
          cell: (r) => el('a', { href: `/borrowers/${r.borrower.borrowerId}` }, r.borrower.name ?? t('search.open360')),
        },
        { label: t('search.col.phone'), cell: (r) => el('span', { class: 'mono' }, r.borrower.phone ?? '—') },
        { label: t('search.col.idNumber'), cell: (r) => el('span', { class: 'mono' }, r.borrower.idNumber ?? '—') },
        { label: t('inbox.col.loanType'), cell: (r) => label('loanType', r.loanType) },
        { label: t('inbox.col.amount'), class: 'num', cell: (r) => fmt.money(r.amount) },
        { label: t('inbox.col.loanStatus'), cell: (r) => statusBadge(r.status) },
        { label: t('loan.created'), cell: (r) => fmt.instant(r.createdAt) },
      ],
      answer.results,
      { rowAttrs: (r) => ({ dataset: { loanId: r.loanId } }) },
    ),
  );
}

startPage(async () => {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search(form.q.value.trim());
  });
  const q = new URLSearchParams(location.search).get('q');
  if (q) {
    form.q.value = q;
    await search(q);
  }
  return draw;
});
