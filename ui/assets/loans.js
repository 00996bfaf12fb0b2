// Loans in the signed-in user's scope, page by page.
import {
  api,
  el,
  loadErrorBox,
  fmt,
  label,
  replace,
  shownAmount,
  startPage,
  statusBadge,
  t,
  table,
} from '/ui/assets/core.js';

const PAGE_SIZE = 20;
const form = document.getElementById('filters');
const query = new URLSearchParams(location.search);
const state = {
  status: query.get('status') ?? '',
  loanType: query.get('loanType') ?? '',
  offset: Number(query.get('offset') ?? 0) || 0,
};
let answer = null;
let failure = null;

async function load() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset) });
  if (state.status) params.set('status', state.status);
  if (state.loanType) params.set('loanType', state.loanType);
  history.replaceState(null, '', `${location.pathname}?${params}`);
  try {
    answer = await api(`/v1/loans?${params}`);
    failure = null;
  } catch (error) {
    failure = error;
  }
  draw();
}

function draw() {
  if (failure) return replace('content', loadErrorBox(failure));
  if (!answer) return;
  replace('loan-total', t('common.total', { n: answer.total }));
  document.getElementById('previous').disabled = state.offset === 0;
  document.getElementById('next').disabled = state.offset + PAGE_SIZE >= answer.total;
  if (answer.loans.length === 0) return replace('content', el('p', { class: 'empty' }, t('loans.empty')));
  replace(
    'content',
    table(
      [
        {
          label: t('inbox.col.loan'),
          cell: (loan) => el('a', { href: `/loans/${loan.loanId}`, class: 'mono' }, loan.loanId),
        },
        { label: t('inbox.col.loanType'), cell: (loan) => label('loanType', loan.loanType) },
        { label: t('inbox.col.amount'), class: 'num', cell: shownAmount },
        { label: t('loans.col.term'), class: 'num', cell: (loan) => String(loan.approvedTermCount ?? loan.termCount) },
        { label: t('inbox.col.loanStatus'), cell: (loan) => statusBadge(loan.status) },
        // Only a loan paid out has a five-category class; '—' for one rejected, withdrawn or still in origination.
        {
          label: t('loans.col.classification'),
          cell: (loan) => (loan.classification ? label('class', loan.classification) : '—'),
        },
        { label: t('loans.col.dpd'), class: 'num', cell: (loan) => String(loan.daysPastDue) },
        { label: t('loans.col.outstanding'), class: 'num', cell: (loan) => fmt.money(loan.outstandingPrincipal) },
        { label: t('loan.created'), cell: (loan) => fmt.instant(loan.createdAt) },
      ],
      answer.loans,
      { rowAttrs: (loan) => ({ dataset: { loanId: loan.loanId } }) },
    ),
  );
}

startPage(async () => {
  form.status.value = state.status;
  form.loanType.value = state.loanType;
  form.addEventListener('change', () => {
    state.status = form.status.value;
    state.loanType = form.loanType.value;
    state.offset = 0;
    load();
  });
  document.getElementById('previous').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    load();
  });
  document.getElementById('next').addEventListener('click', () => {
    state.offset += PAGE_SIZE;
    load();
  });
  await load();
  return draw;
});
