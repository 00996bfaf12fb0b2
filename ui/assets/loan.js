// Loan detail: the applicant (masked for the viewer's role), requested and recommended terms,
// the documents shown inline, the credit assessment factor by factor, risk warnings, the
// schedule, the timeline, and — for a reviewer at the loan's stage — the review form.
import {
  api,
  bi,
  can,
  el,
  loadErrorBox,
  facts,
  fmt,
  isForbidden,
  label,
  replace,
  startPage,
  statusBadge,
  t,
  table,
} from '/ui/assets/core.js';
import { attentionPanel } from '/ui/assets/attention-panel.js';
import { reviewPanel } from '/ui/assets/review-form.js';
import { unmaskPanel } from '/ui/assets/unmask-panel.js';

const loanId = document.getElementById('content').dataset.loanId;
const state = {
  user: null,
  loan: null,
  product: null,
  preview: null,
  liveSchedule: null,
  payoff: null,
  pause: null,
  failure: null,
  notice: null,
  /** Fields shown in full through audited unmasking; kept in memory only. */
  unmasked: null,
};
/** Built once per document, so a redraw does not fetch the files again. */
const documentFigures = new Map();
let panel = null;

const section = (titleKey, ...body) =>
  el('section', { class: 'card', dataset: { section: titleKey } }, el('h2', {}, t(titleKey)), ...body);
const maybe = (value, format = (v) => v) =>
  value === null || value === undefined || value === '' ? '—' : format(value);

// ---------------------------------------------------------------- loading

async function loadLoan() {
  try {
    state.loan = await api(`/v1/loans/${loanId}`);
    state.failure = null;
  } catch (error) {
    state.failure = error;
    return;
  }
  if (!state.product) state.product = await api(`/v1/products/${state.loan.productCode}`).catch(() => null);
  if (!state.loan.offer && !state.preview) state.preview = await schedulePreview(state.loan.requested, state.product);
  // Once paid out, the schedule as servicing keeps it, with what is paid and what is late.
  state.liveSchedule =
    state.loan.servicing && can(state.user.role, 'repayment:read')
      ? await api(`/v1/loans/${loanId}/schedule`).catch(() => null)
      : null;
  // What closes the loan today, asked of its workflow: the projected payoffToday is as of the
  // loan's last wake-up and is shown with that date only when the live quote cannot be had.
  state.payoff =
    state.loan.servicing && OPEN_SERVICING.includes(state.loan.status) && can(state.user.role, 'repayment:read')
      ? await api(`/v1/loans/${loanId}/payoff`).catch(() => null)
      : null;
  // A payout that cannot go ahead is shown with whether payouts are paused at all.
  state.pause =
    PAYOUT_BLOCKED.includes(state.loan.status) && can(state.user.role, 'disbursement:read')
      ? await api('/v1/finance/disbursements/pause').catch(() => null)
      : null;
}

const PAYOUT_BLOCKED = ['PAYOUT_ACCOUNT_INVALID', 'DISBURSEMENT_FAILED'];

/** Why the payout cannot go ahead: the elements the bank did not match, or its reason for refusing the transfer. */
function payoutProblem(loan) {
  if (!PAYOUT_BLOCKED.includes(loan.status)) return null;
  const reason =
    loan.status === 'DISBURSEMENT_FAILED'
      ? t('payout.bankReason', { reason: loan.payoutFailureReason ?? '—' })
      : t('payout.mismatched', {
          elements: (loan.payoutAccount?.mismatched ?? []).map((e) => label('element', e)).join('、') || '—',
        });
  const pause = state.pause
    ? t(state.pause.paused ? 'payout.paused' : 'payout.notPaused', {
        by: state.pause.changedBy ?? '—',
        at: state.pause.changedAt ? fmt.instant(state.pause.changedAt) : '—',
        reason: state.pause.reason ?? '—',
      })
    : null;
  return el(
    'div',
    { class: 'alert alert-warn', id: 'payout-problem' },
    el('p', {}, statusBadge(loan.status), ' ', reason),
    pause ? el('p', { id: 'payout-pause' }, pause) : null,
  );
}

const OPEN_SERVICING = ['ACTIVE', 'OVERDUE', 'NEEDS_ATTENTION'];

/** The schedule of the requested terms, from the public repayment trial calculation. */
function schedulePreview(requested, product) {
  const body = {
    principal: requested.amount,
    annualRate: requested.annualRate,
    termCount: requested.termCount,
    method: requested.method,
    frequency: requested.frequency,
    ...(product?.fees?.length ? { fees: product.fees } : {}),
  };
  return api('/v1/quotes', { method: 'POST', body, auth: false }).catch(() => null);
}

// ---------------------------------------------------------------- sections

/** A person by name and role, "张伟（终审员）"; a borrower by role alone, never by id. */
function personName(actor) {
  const person = state.loan?.people?.[actor.userId];
  return person ? t('person.named', { name: person.name, role: label('role', actor.role) }) : label('role', actor.role);
}

function summary(loan) {
  return section(
    'loan.section.summary',
    facts([
      [t('inbox.col.loanType'), label('loanType', loan.loanType)],
      [t('loan.product'), state.product ? bi(state.product.name) : loan.productCode],
      [t('loan.channel'), label('channel', loan.channel)],
      loan.createdBy
        ? [t('loan.createdBy'), personName({ userId: loan.createdBy, role: loan.people[loan.createdBy].role })]
        : null,
      [t('loan.purpose'), loan.purpose],
      [t('loan.created'), fmt.instant(loan.createdAt)],
      loan.decision ? [t('loan.section.decision'), label('decision', loan.decision.outcome)] : null,
    ]),
    loan.decision?.reasons?.length
      ? el(
          'ul',
          { class: 'reasons' },
          loan.decision.reasons.map((r) => el('li', {}, bi(r))),
        )
      : null,
    loan.closedReason ? el('p', { class: 'alert alert-info' }, bi(loan.closedReason)) : null,
    payoutProblem(loan),
  );
}

function applicant(a) {
  const masked = !can(state.user.role, 'pii:unmasked');
  const full = state.unmasked ?? {};
  const shownInFull = (field, value) =>
    el('span', { class: full[field] ? 'mono unmasked' : 'mono', dataset: { field } }, full[field] ?? value);
  const money = (key, value) => (value ? t(key, { value: fmt.money(value) }) : null);
  const parts = (...items) => items.filter((item) => item !== null && item !== undefined && item !== '').join(' · ');
  const business = (b) =>
    parts(
      label('industry', b.industry),
      b.licenseNumber ? t('applicant.licenseNumber', { value: b.licenseNumber }) : null,
      money('applicant.monthlyRevenue', b.monthlyRevenue),
    );
  const farm = (f) =>
    parts(
      f.landAreaMu ? t('applicant.landArea', { value: f.landAreaMu }) : null,
      (f.crops ?? []).join('、'),
      f.livestock,
      f.cooperative,
    );
  const collateral = (c) =>
    parts(
      label('collateral', c.type),
      c.description,
      money('applicant.appraisedValue', c.appraisedValue),
      money('applicant.existingLiens', c.existingLiens),
    );
  const guarantor = (g) =>
    parts(g.name, label('relationship', g.relationship), g.phone, money('applicant.guarantorIncome', g.monthlyIncome));
  return section(
    'loan.section.applicant',
    masked ? el('p', { class: 'badge masked' }, t('loan.masked')) : null,
    masked && !state.unmasked
      ? unmaskPanel(loanId, state.user.role, (shown) => {
          state.unmasked = shown;
          draw();
        })
      : null,
    facts([
      [t('applicant.name'), shownInFull('name', a.name)],
      [t('applicant.idNumber'), shownInFull('idNumber', a.idNumber)],
      [t('applicant.phone'), shownInFull('phone', a.phone)],
      [t('applicant.monthlyIncome'), fmt.money(a.monthlyIncome)],
      [t('applicant.employer'), maybe(a.employer)],
      [t('applicant.bank'), a.bankAccount.bankName],
      [t('applicant.card'), el('span', { class: 'mono' }, a.bankAccount.cardNumber)],
      a.business ? [t('applicant.business'), business(a.business)] : null,
      a.farm ? [t('applicant.farm'), farm(a.farm)] : null,
      a.collateral ? [t('applicant.collateral'), collateral(a.collateral)] : null,
      a.guarantor ? [t('applicant.guarantor'), guarantor(a.guarantor)] : null,
    ]),
  );
}

function terms(loan) {
  // After a final reviewer changed the terms, `requested` holds the changed ones; show what was applied for.
  const requested = loan.appliedFor ?? loan.requested;
  const { assessment: a, offer } = loan;
  const columns = [
    { label: '', cell: (row) => row.name },
    { label: t('terms.requested'), class: 'num', cell: (row) => row.requested },
    { label: t('terms.recommended'), class: 'num', cell: (row) => row.recommended ?? '—' },
  ];
  if (offer) columns.push({ label: t('terms.approved'), class: 'num', cell: (row) => row.approved ?? '—' });
  const rows = [
    {
      name: t('terms.amount'),
      requested: fmt.money(requested.amount),
      recommended: a ? fmt.money(a.recommendedLimit) : null,
      approved: offer && fmt.money(offer.amount),
    },
    { name: t('terms.termCount'), requested: String(requested.termCount), approved: offer && String(offer.termCount) },
    {
      name: t('terms.method'),
      requested: label('method', requested.method),
      approved: offer && label('method', offer.method),
    },
    {
      name: t('terms.frequency'),
      requested: label('frequency', requested.frequency),
      approved: offer && label('frequency', offer.frequency),
    },
    {
      name: t('terms.annualRate'),
      requested: fmt.percent(requested.annualRate),
      recommended: a ? `${fmt.percent(a.rateBand.min)} – ${fmt.percent(a.rateBand.max)}` : null,
      approved: offer && fmt.percent(offer.annualRate),
    },
    { name: t('terms.dti'), requested: '—', recommended: a ? fmt.percent(a.dti) : null },
  ];
  if (offer) {
    rows.push({ name: t('terms.apr'), requested: '—', approved: fmt.percent(offer.apr) });
    rows.push({ name: t('terms.netDisbursement'), requested: '—', approved: fmt.money(offer.netDisbursement) });
    rows.push({ name: t('terms.totalPayment'), requested: '—', approved: fmt.money(offer.totalPayment) });
  }
  return section('loan.section.terms', el('div', { class: 'table-wrap' }, table(columns, rows)));
}

function warnings(list) {
  if (!list?.length) return section('loan.section.warnings', el('p', { class: 'muted' }, t('warnings.none')));
  return section(
    'loan.section.warnings',
    el(
      'ul',
      { class: 'warnings' },
      list.map((w) =>
        el(
          'li',
          { class: `warning severity-${w.severity}`, dataset: { code: w.code, severity: w.severity } },
          el('span', { class: 'badge' }, label('severity', w.severity)),
          ' ',
          bi(w.message),
        ),
      ),
    ),
  );
}

function assessment(a) {
  if (!a) return section('loan.section.assessment', el('p', { class: 'muted' }, t('assessment.none')));
  const largest = Math.max(1, ...a.factors.map((f) => Math.abs(f.contribution)));
  const bar = (contribution) =>
    el(
      'div',
      { class: 'bar-track' },
      el('div', {
        class: `bar ${contribution < 0 ? 'negative' : 'positive'}`,
        style: `width:${(Math.abs(contribution) / largest) * 100}%`,
      }),
    );
  return section(
    'loan.section.assessment',
    el(
      'div',
      { class: 'score' },
      el(
        'div',
        {},
        el('span', { class: 'muted' }, t('assessment.score')),
        el('strong', { dataset: { field: 'score' } }, String(a.score)),
      ),
      el(
        'div',
        {},
        el('span', { class: 'muted' }, t('assessment.grade')),
        el('strong', { class: `grade grade-${a.grade}` }, a.grade),
      ),
    ),
    el(
      'div',
      { class: 'table-wrap' },
      table(
        [
          { label: t('assessment.factor'), cell: (f) => bi(f.label) },
          {
            label: t('assessment.contribution'),
            class: 'num',
            cell: (f) =>
              el(
                'span',
                { class: f.contribution < 0 ? 'negative' : 'positive' },
                f.contribution > 0 ? `+${f.contribution}` : String(f.contribution),
              ),
          },
          { label: '', class: 'bar-cell', cell: (f) => bar(f.contribution) },
          { label: t('assessment.detail'), cell: (f) => bi(f.detail) },
        ],
        a.factors,
        { rowAttrs: (f) => ({ dataset: { factor: f.code, contribution: f.contribution } }) },
      ),
    ),
  );
}

function documentFigure(doc) {
  if (documentFigures.has(doc.documentId)) return documentFigures.get(doc.documentId);
  const preview = el(
    'div',
    { class: 'preview' },
    el('span', { class: 'muted', dataset: { i18n: 'common.loading' } }, t('common.loading')),
  );
  const figure = el(
    'figure',
    { class: 'document', dataset: { documentId: doc.documentId, type: doc.type } },
    preview,
    el(
      'figcaption',
      {},
      el('span', { dataset: { i18n: `doc.${doc.type}` } }, label('doc', doc.type)),
      el('small', { class: 'mono' }, doc.sha256.slice(0, 12)),
      replacedBy(doc.documentId).length
        ? el(
            'span',
            { class: 'badge replaced', dataset: { replaces: String(replacedBy(doc.documentId).length) } },
            t('documents.replaces', { n: replacedBy(doc.documentId).length }),
          )
        : null,
      copiesOf(doc.sha256) > 1
        ? el('span', { class: 'badge duplicate', dataset: { duplicate: 'true' } }, t('documents.duplicate'))
        : null,
    ),
  );
  documentFigures.set(doc.documentId, figure);
  const refused = (key) => el('span', { class: 'alert alert-warn', dataset: { i18n: key } }, t(key));
  if (!can(state.user.role, 'document:read')) {
    preview.replaceChildren(refused('documents.forbidden'));
    return figure;
  }
  api(`/v1/loans/${loanId}/documents/${doc.documentId}`, { as: 'blob' })
    .then((blob) => {
      const url = URL.createObjectURL(blob);
      if (blob.type.startsWith('image/')) {
        preview.replaceChildren(
          el(
            'a',
            { href: url, target: '_blank', rel: 'noopener' },
            el('img', { src: url, alt: label('doc', doc.type) }),
          ),
        );
      } else {
        preview.replaceChildren(
          el(
            'a',
            { href: url, target: '_blank', rel: 'noopener', class: 'button' },
            el('span', { dataset: { i18n: 'documents.openPdf' } }, t('documents.openPdf')),
          ),
        );
      }
    })
    .catch((error) =>
      preview.replaceChildren(
        isForbidden(error)
          ? refused('documents.forbidden')
          : el('span', { class: 'alert alert-error', dataset: { i18n: 'documents.failed' } }, t('documents.failed')),
      ),
    );
  return figure;
}

/** The older uploads this document replaced. */
function replacedBy(documentId) {
  return (state.loan.supersededDocuments ?? []).filter((d) => d.supersededBy === documentId);
}

/** How many of the loan's files, current or replaced, have this content. */
function copiesOf(sha256) {
  const all = [...state.loan.documents, ...(state.loan.supersededDocuments ?? [])];
  return all.filter((d) => d.sha256 === sha256).length;
}

/** The files a newer upload of the same type replaced: listed, not shown inline. */
function supersededList(loan) {
  const old = loan.supersededDocuments ?? [];
  if (!old.length) return null;
  return el(
    'details',
    { class: 'superseded', id: 'superseded-documents' },
    el('summary', {}, t('documents.superseded', { n: old.length })),
    el(
      'ul',
      {},
      old.map((d) =>
        el(
          'li',
          { dataset: { documentId: d.documentId, type: d.type } },
          label('doc', d.type),
          ' · ',
          el('span', { class: 'mono' }, d.sha256.slice(0, 12)),
          ' · ',
          fmt.instant(d.uploadedAt),
          copiesOf(d.sha256) > 1 ? [' ', el('span', { class: 'badge duplicate' }, t('documents.duplicate'))] : null,
        ),
      ),
    ),
  );
}

function documents(loan) {
  return section(
    'loan.section.documents',
    loan.missingDocuments.length
      ? el(
          'p',
          { class: 'alert alert-warn' },
          t('documents.missing'),
          loan.missingDocuments.map((d) => label('doc', d)).join('、'),
        )
      : null,
    loan.documents.length
      ? el('div', { class: 'documents' }, loan.documents.map(documentFigure))
      : el('p', { class: 'muted' }, t('documents.none')),
    supersededList(loan),
  );
}

function schedule(loan) {
  const live = state.liveSchedule?.installments;
  const installments = live ?? loan.offer?.installments ?? state.preview?.installments;
  if (!installments?.length) return section('loan.section.schedule', el('p', { class: 'muted' }, t('schedule.none')));
  const columns = [
    { label: t('schedule.number'), class: 'num', cell: (i) => String(i.number) },
    { label: t('schedule.dueDate'), cell: (i) => fmt.date(i.dueDate) },
    { label: t('schedule.principal'), class: 'num', cell: (i) => fmt.money(i.principal) },
    { label: t('schedule.interest'), class: 'num', cell: (i) => fmt.money(i.interest) },
    { label: t('schedule.fee'), class: 'num', cell: (i) => fmt.money(i.fee) },
    { label: t('schedule.total'), class: 'num', cell: (i) => fmt.money(i.total) },
  ];
  if (live)
    columns.push({
      label: t('schedule.status'),
      cell: (i) =>
        el(
          'span',
          { class: `badge installment-${i.status}`, dataset: { status: i.status } },
          label('installment', i.status),
        ),
    });
  return section(
    'loan.section.schedule',
    el('p', { class: 'muted' }, t(live ? 'schedule.live' : loan.offer ? 'schedule.fromOffer' : 'schedule.preview')),
    el('div', { class: 'table-wrap schedule' }, table(columns, installments)),
  );
}

/** The live quote when there is one; otherwise the stored figure, labelled with the day it is as of. */
function payoffFact(s, status) {
  if (state.payoff) return [t('servicing.payoffToday'), fmt.money(state.payoff.amount)];
  if (!OPEN_SERVICING.includes(status)) return [t('servicing.payoffToday'), fmt.money(s.payoffToday)];
  return [t('servicing.payoffAsOf', { asOf: fmt.date(s.asOf) }), fmt.money(s.payoffToday)];
}

function payoffNote(status) {
  if (state.payoff)
    return [
      el(
        'p',
        { class: 'muted', dataset: { payoff: 'live' } },
        t('servicing.payoffLive', { asOf: fmt.date(state.payoff.asOf) }),
      ),
    ];
  if (OPEN_SERVICING.includes(status) && can(state.user.role, 'repayment:read'))
    return [el('p', { class: 'muted', dataset: { payoff: 'stale' } }, t('servicing.payoffUnavailable'))];
  return [];
}

function servicing(s, status) {
  if (!s) return null;
  return section(
    'servicing.heading',
    ...payoffNote(status),
    facts([
      [t('servicing.disbursedOn'), fmt.date(s.disbursedOn)],
      [t('servicing.paid'), `${s.installmentsPaid} / ${s.installmentCount}`],
      [t('servicing.principal'), fmt.money(s.balances?.principal)],
      [t('servicing.totalDue'), fmt.money(s.balances?.totalDue)],
      payoffFact(s, status),
      [t('servicing.nextDue'), s.nextDue ? `${fmt.date(s.nextDue.dueDate)} · ${fmt.money(s.nextDue.amount)}` : '—'],
      s.graceEndsOn ? [t('servicing.graceEndsOn'), fmt.date(s.graceEndsOn)] : null,
      [t('servicing.dpd'), String(s.daysPastDue)],
      [t('servicing.classification'), label('class', s.classification)],
    ]),
  );
}

function timeline(entries) {
  const actor = (a) => (a ? personName(a) : t('timeline.system'));
  return section(
    'loan.section.timeline',
    el(
      'ol',
      { class: 'timeline' },
      entries.map((e) =>
        el(
          'li',
          { dataset: { kind: e.kind } },
          el('time', { datetime: e.at }, fmt.instant(e.at)),
          el('span', { class: 'actor', dataset: { role: e.actor?.role ?? 'SYSTEM' } }, actor(e.actor)),
          el('p', {}, bi(e.text)),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- page

/** The form shows for a role the product lets review the loan's current stage; the workflow still decides. */
function reviewable(loan) {
  const role = state.user.role;
  if (!can(role, 'review:submit')) return false;
  const authority = state.product?.approvalAuthority;
  if (loan.status === 'INITIAL_REVIEW') return !authority || authority.initialReviewerRoles.includes(role);
  if (loan.status === 'FINAL_REVIEW') return !authority || authority.finalApprovers.some((a) => a.role === role);
  return false;
}

function draw() {
  if (state.failure) return replace('content', loadErrorBox(state.failure));
  const loan = state.loan;
  replace('loan-status', statusBadge(loan.status));
  const notice = state.notice
    ? el(
        'div',
        { class: 'alert alert-success', role: 'status', id: 'review-notice' },
        t('review.recorded', {
          decision: t(`action.${state.notice.decision}`),
          status: label('status', state.notice.status),
        }),
      )
    : null;
  replace(
    'content',
    notice,
    el(
      'div',
      { class: 'detail-grid' },
      el(
        'div',
        { class: 'detail-main' },
        summary(loan),
        servicing(loan.servicing, loan.status),
        applicant(loan.applicant),
        terms(loan),
        warnings([...(loan.reviewWarnings ?? []), ...(loan.assessment?.warnings ?? [])]),
        assessment(loan.assessment),
        documents(loan),
        schedule(loan),
      ),
      el('aside', { class: 'detail-side' }, panel, timeline(loan.timeline)),
    ),
  );
}

async function refresh() {
  await loadLoan();
  panel = state.failure ? null : actionPanel(state.loan);
  draw();
}

/** What this user can do to the loan now: review it, or (ops) resolve it while it is parked. */
function actionPanel(loan) {
  if (reviewable(loan)) return reviewPanel({ loan, product: state.product, user: state.user, onRecorded });
  if (loan.status === 'NEEDS_ATTENTION' && loan.attention && can(state.user.role, 'loan:resolve')) {
    return attentionPanel({ loan, onResolved: onRecorded });
  }
  return null;
}

async function onRecorded(decision, answer) {
  state.notice = { decision, status: answer.status };
  state.preview = null;
  await refresh();
}

startPage(async (user) => {
  state.user = user;
  await refresh();
  return draw;
});
