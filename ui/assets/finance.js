// Finance's desk: the items waiting for a second finance user (staff postings, reversals, refunds in
// APPROVAL, month-end closes and capital injections) with approve and reject-with-a-reason, the all-time trial balance
// and the latest reconciliation run with its findings. The maker sees their own items, not decidable.
import {
  api,
  ApiFailure,
  bi,
  el,
  errorBox,
  loadErrorBox,
  facts,
  fmt,
  label,
  replace,
  requestKeys,
  startPage,
  t,
  table,
} from '/ui/assets/core.js';

const requestKey = requestKeys('finance');

let user = null;
let pending = null;
let trial = null;
let reconciliation = null;
/** The last decision's outcome: `{ ok: true, key, item }` or `{ ok: false, error }`. */
let outcome = null;

/** Every kind of waiting item as one row shape, with the endpoint its decisions go to. */
const SOURCES = [
  {
    path: '/v1/finance/repayments?status=PENDING_APPROVAL',
    row: (p) => ({
      kind: 'POSTING',
      id: p.paymentId,
      subject: p.loanId,
      amount: p.amount,
      detail: [label('finance.channel', p.channel), p.reference].filter(Boolean).join(' · '),
      maker: p.maker,
      madeAt: p.madeAt,
      decide: `/v1/finance/repayments/${encodeURIComponent(p.paymentId)}`,
    }),
  },
  {
    path: '/v1/finance/reversals?status=PENDING_APPROVAL',
    row: (r) => ({
      kind: 'REVERSAL',
      id: r.paymentId,
      subject: r.loanId,
      amount: null,
      detail: r.reason,
      maker: r.maker,
      madeAt: r.requestedAt,
      decide: `/v1/finance/repayments/${encodeURIComponent(r.paymentId)}/reversal`,
    }),
  },
  {
    path: '/v1/finance/ledger-requests?status=PENDING_APPROVAL',
    row: (r) => ({
      kind: r.kind,
      id: r.requestId,
      subject: r.kind === 'PERIOD_CLOSE' ? r.period : r.injectionId,
      amount: r.amount,
      detail: [r.effectiveOn ? fmt.date(r.effectiveOn) : null, r.reference].filter(Boolean).join(' · '),
      maker: r.maker,
      madeAt: r.requestedAt,
      decide: `/v1/finance/ledger-requests/${encodeURIComponent(r.requestId)}`,
    }),
  },
];

async function settle(promise) {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/**
 * Refunds above the product's threshold wait in APPROVAL inside their loan, each with an open
 * REFUND_APPROVAL task: the tasks name the loans, the loans the refunds and who recorded the payment.
 */
async function waitingRefunds() {
  const { tasks } = await api('/v1/tasks?status=OPEN&kind=REFUND_APPROVAL&limit=500');
  const loanIds = [...new Set(tasks.map((task) => task.loanId))];
  const loans = await Promise.all(loanIds.map((loanId) => api(`/v1/loans/${encodeURIComponent(loanId)}`)));
  const since = new Map(tasks.map((task) => [`${task.loanId}/${task.detail.refundId}`, task.createdAt]));
  return loans.flatMap((loan) =>
    (loan.refunds ?? [])
      .filter((r) => r.status === 'APPROVAL')
      .map((r) => ({
        kind: 'REFUND',
        id: `${loan.loanId}/${r.refundId}`,
        subject: loan.loanId,
        amount: r.amount,
        detail: `${r.refundId} · ${r.paymentId}`,
        maker: { userId: r.requestedBy, username: null },
        madeAt: since.get(`${loan.loanId}/${r.refundId}`) ?? `${r.owedOn}T00:00:00Z`,
        decide: `/v1/finance/loans/${encodeURIComponent(loan.loanId)}/refunds/${encodeURIComponent(r.refundId)}`,
      })),
  );
}

async function loadPending() {
  const answers = await Promise.all([
    ...SOURCES.map((s) => settle(api(s.path).then((a) => a.items.map(s.row)))),
    settle(waitingRefunds()),
  ]);
  const failed = answers.find((a) => a.error);
  pending = failed
    ? { error: failed.error }
    : { rows: answers.flatMap((a) => a.value).sort((a, b) => Date.parse(a.madeAt) - Date.parse(b.madeAt)) };
}

async function loadTrial() {
  const answer = await settle(api('/v1/finance/ledger/trial-balance'));
  trial = answer.error ? { error: answer.error } : { accounts: answer.value.accounts };
}

async function loadReconciliation() {
  const answer = await settle(api('/v1/finance/reconciliation/runs/latest'));
  if (answer.error instanceof ApiFailure && answer.error.code === 'NO_RECONCILIATION_RUN')
    reconciliation = { none: true };
  else reconciliation = answer.error ? { error: answer.error } : { run: answer.value };
}

async function load() {
  await Promise.all([loadPending(), loadTrial(), loadReconciliation()]);
  draw();
}

// ---------------------------------------------------------------- decisions

async function decide(row, action, reasonInput, buttons) {
  const reason = reasonInput.value.trim();
  if (action === 'reject' && !reason) {
    outcome = { ok: false, missingReason: true };
    return drawOutcome();
  }
  const body = action === 'reject' ? { reason } : undefined;
  for (const b of buttons) b.disabled = true;
  try {
    await api(`${row.decide}/${action}`, {
      method: 'POST',
      body,
      idempotencyKey: requestKey({ item: row.decide, action, reason: body?.reason ?? null }),
    });
    outcome = { ok: true, key: action === 'approve' ? 'finance.approved' : 'finance.rejected', row };
    await load();
  } catch (error) {
    outcome = { ok: false, error };
    drawOutcome();
    for (const b of buttons) b.disabled = false;
  }
}

function decisionCell(row) {
  if (row.maker.userId === user.userId) return el('span', { class: 'muted own' }, t('finance.own'));
  const reason = el('input', {
    type: 'text',
    name: 'reason',
    maxlength: 500,
    placeholder: t('finance.reasonPlaceholder'),
    'aria-label': t('finance.reasonPlaceholder'),
  });
  const approve = el(
    'button',
    { type: 'button', class: 'button primary', dataset: { action: 'approve' } },
    t('finance.approve'),
  );
  const reject = el('button', { type: 'button', class: 'button', dataset: { action: 'reject' } }, t('finance.reject'));
  approve.addEventListener('click', () => decide(row, 'approve', reason, [approve, reject]));
  reject.addEventListener('click', () => decide(row, 'reject', reason, [approve, reject]));
  return el('div', { class: 'actions' }, reason, approve, reject);
}

const itemName = (row) => `${t(`finance.kind.${row.kind}`)} ${row.subject ?? row.id}`;

function drawOutcome() {
  if (!outcome) return replace('pending-result');
  if (outcome.ok)
    return replace(
      'pending-result',
      el(
        'div',
        { class: 'alert alert-success', id: 'decision-notice', role: 'status' },
        t(outcome.key, { item: itemName(outcome.row) }),
      ),
    );
  if (outcome.missingReason)
    return replace(
      'pending-result',
      el('div', { class: 'alert alert-error', role: 'alert' }, t('finance.reasonMissing')),
    );
  return replace('pending-result', errorBox(outcome.error, t('finance.refused')));
}

// ---------------------------------------------------------------- drawing

function drawPending() {
  if (!pending) return;
  if (pending.error) return replace('pending', loadErrorBox(pending.error));
  if (pending.rows.length === 0) return replace('pending', el('p', { class: 'empty' }, t('finance.pending.empty')));
  replace(
    'pending',
    table(
      [
        { label: t('finance.col.kind'), cell: (r) => t(`finance.kind.${r.kind}`) },
        {
          label: t('finance.col.subject'),
          cell: (r) =>
            r.kind === 'POSTING' || r.kind === 'REVERSAL' || r.kind === 'REFUND'
              ? el('a', { href: `/loans/${encodeURIComponent(r.subject)}`, class: 'mono' }, r.subject)
              : el('span', { class: 'mono' }, r.subject ?? '—'),
        },
        { label: t('finance.col.amount'), class: 'num', cell: (r) => (r.amount ? fmt.money(r.amount) : '—') },
        { label: t('finance.col.detail'), cell: (r) => r.detail || '—' },
        { label: t('finance.col.maker'), cell: (r) => r.maker.username ?? r.maker.userId },
        { label: t('finance.col.madeAt'), cell: (r) => fmt.instant(r.madeAt) },
        { label: t('finance.col.decision'), cell: decisionCell },
      ],
      pending.rows,
      { rowAttrs: (r) => ({ dataset: { kind: r.kind, itemId: r.id } }) },
    ),
  );
}

/** "1234.50" as a count of fen, exactly. */
function fen(amount) {
  const [whole, part = ''] = amount.split('.');
  const sign = whole.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole.replace('-', '')) * 100n + BigInt(part.padEnd(2, '0').slice(0, 2)));
}

function yuan(fenAmount) {
  const sign = fenAmount < 0n ? '-' : '';
  const abs = fenAmount < 0n ? -fenAmount : fenAmount;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function drawTrial() {
  if (!trial) return;
  if (trial.error) return replace('trial-balance', loadErrorBox(trial.error));
  const debits = yuan(trial.accounts.reduce((sum, a) => sum + fen(a.debits), 0n));
  const credits = yuan(trial.accounts.reduce((sum, a) => sum + fen(a.credits), 0n));
  const rows = [...trial.accounts, { total: true, debits, credits }];
  replace(
    'trial-balance',
    table(
      [
        { label: t('finance.tb.accountNo'), class: 'mono', cell: (a) => (a.total ? '' : a.accountNo) },
        {
          label: t('finance.tb.account'),
          cell: (a) => (a.total ? t('finance.tb.total') : bi({ zh: a.nameZh, en: a.nameEn })),
        },
        { label: t('finance.tb.debits'), class: 'num', cell: (a) => fmt.money(a.debits) },
        { label: t('finance.tb.credits'), class: 'num', cell: (a) => fmt.money(a.credits) },
      ],
      rows,
      {
        rowAttrs: (a) =>
          a.total ? { class: 'total', dataset: { account: 'TOTAL' } } : { dataset: { account: a.account } },
      },
    ),
  );
}

function drawReconciliation() {
  if (!reconciliation) return;
  if (reconciliation.none) return replace('reconciliation', el('p', { class: 'empty' }, t('finance.recon.none')));
  if (reconciliation.error) return replace('reconciliation', loadErrorBox(reconciliation.error));
  const { run } = reconciliation;
  replace(
    'reconciliation',
    facts([
      [t('finance.recon.runAt'), fmt.instant(run.runAt)],
      [t('finance.recon.runBy'), run.runBy],
      [
        t('finance.recon.result'),
        el(
          'span',
          { id: 'recon-result', dataset: { clean: String(run.clean) } },
          run.clean ? t('finance.recon.clean') : t('finance.recon.findings', { n: run.findings.length }),
        ),
      ],
      [t('finance.recon.tasksOpen'), String(run.tasksOpen)],
    ]),
    run.findings.length
      ? table(
          [
            { label: t('finance.recon.code'), class: 'mono', cell: (f) => f.code },
            {
              label: t('finance.recon.loan'),
              cell: (f) =>
                f.loanId ? el('a', { href: `/loans/${encodeURIComponent(f.loanId)}`, class: 'mono' }, f.loanId) : '—',
            },
            { label: t('finance.recon.ref'), class: 'mono', cell: (f) => f.ref ?? '—' },
            { label: t('finance.recon.text'), cell: (f) => bi(f.text) },
          ],
          run.findings,
          { rowAttrs: (f) => ({ class: 'finding', dataset: { code: f.code, key: f.key } }) },
        )
      : null,
  );
}

function draw() {
  drawOutcome();
  drawPending();
  drawTrial();
  drawReconciliation();
}

startPage(async (me) => {
  user = me;
  document.getElementById('refresh').addEventListener('click', () => {
    outcome = null;
    load();
  });
  await load();
  return draw;
});
