// Staff search: a loan by phone, ID number, name or loan id, within the user's scope. The API
// looks the text up by blind index and answers masked; each search is audited.
import { api, el, errorBox, fmt, label, replace, startPage, statusBadge, t, table } from '/ui/assets/core.js';

const form = document.getElementById('search');
const LAST_QUERY = 'search.lastQuery';
let answer = null;
let failure = null;

async function search(q) {
  sessionStorage.setItem(LAST_QUERY, q);
  try {
    answer = await api('/v1/search', { method: 'POST', body: { q } });
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
  // The last search comes back with the tab (after opening a result), never through the URL.
  const q = sessionStorage.getItem(LAST_QUERY);
  if (q) {
    form.q.value = q;
    await search(q);
  }
  return draw;
});
