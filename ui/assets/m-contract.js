// The loan page's contract: the offer with its APR, the contract as generated (in a sandboxed frame:
// no script of it runs), and the signature bound to the sha256 of exactly the bytes read here,
// confirmed by a SIGN_CONTRACT code to the borrower's phone.
import { api, busy, clearErrors, countDown, fillTerms, session, showErrors } from '/ui/assets/m-api.js';
import { METHOD_NAMES } from '/ui/assets/m-site.js';
import { dateWords, percent, yuan } from '/ui/assets/m-words.js';

let readSha256 = null;
let wired = false;

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readContract(view) {
  const response = await api(`/v1/loans/${encodeURIComponent(view.loanId)}/contract`, { as: 'response' });
  const bytes = await response.arrayBuffer();
  const sha256 = await sha256Hex(bytes);
  const frame = document.getElementById('contract-text');
  frame.srcdoc = new TextDecoder().decode(bytes);
  frame.hidden = false;
  readSha256 = sha256;
  document.getElementById('sign-form').hidden = false;
}

function wire(view, reload) {
  const form = document.getElementById('sign-form');
  document
    .getElementById('read-contract')
    .addEventListener('click', (event) =>
      busy(event.currentTarget, () => readContract(view).catch((error) => showErrors(form, error))),
    );
  document.getElementById('send-sign-code').addEventListener('click', (event) => {
    const button = event.currentTarget;
    clearErrors(form);
    void busy(button, async () => {
      try {
        const sent = await api('/v1/auth/sms-codes', {
          method: 'POST',
          body: { phone: session.get()?.phone ?? '', purpose: 'SIGN_CONTRACT', loanId: view.loanId },
        });
        queueMicrotask(() => countDown(button, sent.resendAfterSeconds, '获取验证码'));
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    void busy(form.querySelector('button[type="submit"]'), async () => {
      try {
        await api(`/v1/loans/${encodeURIComponent(view.loanId)}/contract/sign`, {
          method: 'POST',
          body: { contractSha256: readSha256, smsCode: form.elements.namedItem('smsCode').value.trim() },
        });
        await reload();
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
}

/** Shows the offer and the contract to sign while the loan awaits the borrower's signature. */
export function showContract(view, reload) {
  const section = document.getElementById('contract');
  section.hidden = view.status !== 'AWAITING_SIGNATURE' || !view.offer || !view.contract;
  if (section.hidden) return;
  const offer = view.offer;
  fillTerms(document.getElementById('offer'), [
    ['批准金额', yuan(offer.amount)],
    ['期数', `${offer.termCount} 期`],
    ['还款方式', METHOD_NAMES[offer.method] ?? offer.method],
    ['年利率', percent(offer.annualRate)],
    ['年化利率（APR）', percent(offer.apr)],
    ['到账金额', yuan(offer.netDisbursement)],
    ['利息合计', yuan(offer.totalInterest)],
    ['费用合计', yuan(offer.totalFees)],
    ['应还合计', yuan(offer.totalPayment)],
    ...(offer.expiresAt ? [['请在此前签署', dateWords(offer.expiresAt)]] : []),
  ]);
  if (!wired) {
    wire(view, reload);
    wired = true;
  }
}
