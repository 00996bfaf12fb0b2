// The loan page's repayment: what is due next and what closes the loan today, an ONLINE repayment
// ordered with a payment id chosen before the first attempt, the gateway's hosted pay page, and on
// coming back the payment's state until the gateway's confirmation is applied.
import { api, busy, clearErrors, el, fillTerms, randomId, showErrors } from '/ui/assets/m-api.js';
import { dateWords, paymentWords, yuan } from '/ui/assets/m-words.js';

const PENDING_KEY = 'microloan.borrower.payment';
const REPAYABLE = ['ACTIVE', 'OVERDUE'];
const WATCH_MS = 120_000;
let wired = false;
let payoffAmount = null;

function pending() {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function showResult(payment) {
  const box = document.getElementById('payment-result');
  box.hidden = false;
  box.dataset.status = payment.status;
  box.className = `m-alert ${payment.status === 'APPLIED' ? 'm-ok' : payment.status === 'PENDING' ? 'm-info' : 'm-error'}`;
  box.textContent = `本次还款 ${yuan(payment.amount)}：${paymentWords(payment.status)}`;
  document.getElementById('repay').hidden = false;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The payment's state, or null while the API cannot be reached (the watch asks again). */
async function paymentState(path) {
  try {
    return await api(path);
  } catch {
    return null;
  }
}

/**
 * After the pay page: asks for the payment until the gateway's answer reached the loan, then shows
 * the loan again until its page shows the status the repayment left it in (the loan's projection
 * may be a moment behind the payment). Both waits are bounded. The payment id is the one this tab
 * ordered; `reload` shows the loan and returns its view.
 */
export async function watchReturnedPayment(loanId, reload) {
  const order = pending();
  if (!order || order.loanId !== loanId) return;
  const path = `/v1/loans/${encodeURIComponent(loanId)}/repayments/${encodeURIComponent(order.paymentId)}`;
  const until = Date.now() + WATCH_MS;
  let payment = await paymentState(path);
  while (payment?.status !== 'APPLIED' && payment?.status !== 'EXPIRED' && payment?.status !== 'UNAPPLIED') {
    if (payment) showResult(payment);
    if (Date.now() > until) return;
    await pause(1500);
    payment = await paymentState(path);
  }
  sessionStorage.removeItem(PENDING_KEY);
  showResult(payment);
  const after = payment.result?.status;
  for (let view = await reload(); after && view && view.status !== after && Date.now() < until;) {
    await pause(1500);
    view = await reload();
  }
  showResult(payment);
}

function wire(view) {
  const form = document.getElementById('repay-form');
  const amount = form.elements.namedItem('amount');
  document.getElementById('fill-payoff').addEventListener('click', () => {
    if (payoffAmount) amount.value = payoffAmount;
  });
  document.getElementById('fill-next-due').addEventListener('click', (event) => {
    amount.value = event.currentTarget.dataset.amount ?? '';
  });
  const ids = new Map();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    void busy(form.querySelector('button[type="submit"]'), async () => {
      const value = amount.value.trim();
      // One payment id per amount asked for on this page: a second tap reopens the same order.
      if (!ids.has(value)) ids.set(value, `h5-${randomId(16)}`);
      const paymentId = ids.get(value);
      try {
        const order = await api(`/v1/loans/${encodeURIComponent(view.loanId)}/repayments`, {
          method: 'POST',
          body: { paymentId, amount: value, channel: 'ONLINE' },
        });
        if (!order.payUrl) throw new Error('支付网关暂不可用，请稍后重试');
        sessionStorage.setItem(PENDING_KEY, JSON.stringify({ loanId: view.loanId, paymentId }));
        location.assign(order.payUrl);
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
}

/** Shows what is due and the repayment form while the loan takes repayments. */
export async function showRepay(view) {
  const section = document.getElementById('repay');
  const open = REPAYABLE.includes(view.status);
  document.getElementById('repay-form').hidden = !open;
  if (!open) {
    document.getElementById('dues').replaceChildren();
    section.hidden = document.getElementById('payment-result').hidden;
    return;
  }
  const quote = await api(`/v1/loans/${encodeURIComponent(view.loanId)}/payoff`);
  payoffAmount = quote.amount;
  const next = view.servicing?.nextDue;
  const nextButton = document.getElementById('fill-next-due');
  nextButton.hidden = !next;
  if (next) nextButton.dataset.amount = next.amount;
  fillTerms(document.getElementById('dues'), [
    ...(next ? [[`第 ${next.number} 期（${dateWords(next.dueDate)}）应还`, yuan(next.amount)]] : []),
    ...(view.servicing?.daysPastDue ? [['已逾期', `${view.servicing.daysPastDue} 天`]] : []),
    ['今日结清金额', yuan(quote.amount)],
  ]);
  section.hidden = false;
  if (!wired) {
    wire(view);
    wired = true;
  }
}

/** The repayments the loan received, oldest first. */
export async function showPayments(view) {
  const section = document.getElementById('payments');
  section.hidden = !['ACTIVE', 'OVERDUE', 'PAID_OFF', 'WRITTEN_OFF'].includes(view.status);
  if (section.hidden) return;
  const { items } = await api(`/v1/loans/${encodeURIComponent(view.loanId)}/repayments`);
  document.getElementById('payment-list').replaceChildren(
    ...items.map((p) =>
      el(
        'li',
        { class: 'm-item', dataset: { paymentId: p.paymentId } },
        el('strong', { text: yuan(p.amount) }),
        el('span', {
          class: 'm-muted',
          text: `${dateWords(p.receivedOn)} · ${p.channel === 'ONLINE' ? '在线支付' : '其他方式'}`,
        }),
      ),
    ),
  );
  if (items.length === 0)
    document.getElementById('payment-list').append(el('li', { class: 'm-muted', text: '暂无还款记录' }));
}
