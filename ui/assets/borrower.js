// A borrower 360: who they are (masked), every loan in the user's view with its payments,
// collection contacts, reviewers' notes and documents. Opening it is audited.
import {
  api,
  el,
  loadErrorBox,
  facts,
  fmt,
  label,
  replace,
  startPage,
  statusBadge,
  t,
  table,
} from '/ui/assets/core.js';

const borrowerId = document.getElementById('content').dataset.borrowerId;
let profile = null;
let failure = null;

const section = (titleKey, rows, columns) =>
  el(
    'section',
    { class: 'card', dataset: { section: titleKey } },
    el('h2', {}, t(titleKey)),
    rows.length ? table(columns, rows) : el('p', { class: 'empty' }, t('common.noData')),
  );
const loanLink = (row) => el('a', { href: `/loans/${row.loanId}`, class: 'mono' }, row.loanId);
/** The staff member by name, with their role; the role alone when the name is not known. */
const by = (actor) => {
  if (!actor?.role) return '—';
  const person = profile?.people?.[actor.userId];
  return person ? `${person.name}（${label('role', actor.role)}）` : label('role', actor.role);
};

function draw() {
  if (failure) return replace('content', loadErrorBox(failure));
  if (!profile) return;
  const b = profile.borrower;
  replace(
    'content',
    el(
      'section',
      { class: 'card', dataset: { section: 'borrower' } },
      el('p', { class: 'badge masked' }, t('loan.masked')),
      facts([
        [t('applicant.name'), b.name],
        [t('applicant.idNumber'), el('span', { class: 'mono' }, b.idNumber ?? '—')],
        [t('applicant.phone'), el('span', { class: 'mono' }, b.phone ?? '—')],
        [t('borrower.registeredAt'), fmt.instant(b.registeredAt)],
      ]),
    ),
    section('borrower.loans', profile.loans, [
      { label: t('inbox.col.loan'), cell: loanLink },
      { label: t('inbox.col.loanType'), cell: (l) => label('loanType', l.loanType) },
      { label: t('inbox.col.amount'), class: 'num', cell: (l) => fmt.money(l.amount) },
      { label: t('loans.col.term'), class: 'num', cell: (l) => String(l.termCount) },
      { label: t('inbox.col.loanStatus'), cell: (l) => statusBadge(l.status) },
      { label: t('loans.col.dpd'), class: 'num', cell: (l) => String(l.daysPastDue) },
      { label: t('loan.created'), cell: (l) => fmt.instant(l.createdAt) },
    ]),
    section('borrower.payments', profile.payments, [
      { label: t('inbox.col.loan'), cell: loanLink },
      { label: t('borrower.col.receivedOn'), cell: (p) => p.receivedOn },
      { label: t('borrower.col.channel'), cell: (p) => label('finance.channel', p.channel) },
      { label: t('inbox.col.amount'), class: 'num', cell: (p) => fmt.money(p.amount) },
    ]),
    section('borrower.contacts', profile.contacts, [
      { label: t('inbox.col.loan'), cell: loanLink },
      { label: t('borrower.col.at'), cell: (c) => fmt.instant(c.at) },
      { label: t('borrower.col.type'), cell: (c) => label('outcome', c.outcome) },
      { label: t('borrower.col.text'), cell: (c) => c.note ?? '—' },
      { label: t('borrower.col.by'), cell: (c) => by(c.by) },
    ]),
    section('borrower.notes', profile.notes, [
      { label: t('inbox.col.loan'), cell: loanLink },
      { label: t('borrower.col.at'), cell: (n) => fmt.instant(n.at) },
      {
        label: t('borrower.col.type'),
        cell: (n) => `${label('stage', n.stage)} · ${label('action', n.decision)}`,
      },
      { label: t('borrower.col.text'), cell: (n) => n.comment },
      { label: t('borrower.col.by'), cell: (n) => by(n.by) },
    ]),
    section('borrower.documents', profile.documents, [
      { label: t('inbox.col.loan'), cell: loanLink },
      { label: t('borrower.col.type'), cell: (d) => label('doc', d.type) },
      { label: t('borrower.col.at'), cell: (d) => fmt.instant(d.uploadedAt) },
      { label: 'SHA-256', cell: (d) => el('span', { class: 'mono' }, d.sha256.slice(0, 16)) },
    ]),
  );
}

startPage(async () => {
  try {
    profile = await api(`/v1/borrowers/${borrowerId}`);
  } catch (error) {
    failure = error;
  }
  draw();
  return draw;
});
