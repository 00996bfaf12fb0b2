// /m/loans/{loanId}: the loan as its borrower follows it, read from GET /v1/loans/{loanId} (the
// borrower's view). A loan that is not the borrower's answers 404 there, and the page shows only
// that it cannot be seen. While the loan moves by itself (assessment, review, payout) the page asks
// again every few seconds, for a bounded while.
import { api, ApiFailure, fillTerms, notice, requireSession } from '/ui/assets/m-api.js';
import { showContract } from '/ui/assets/m-contract.js';
import { showPdfDocuments } from '/ui/assets/m-pdfs.js';
import { showDocuments } from '/ui/assets/m-documents.js';
import { showPayments, showRepay, watchReturnedPayment } from '/ui/assets/m-repay.js';
import { LOAN_TYPE_NAMES, METHOD_NAMES } from '/ui/assets/m-site.js';
import { isWaiting, statusWords, yuan } from '/ui/assets/m-words.js';
import { showCertificate, showSchedule } from '/ui/assets/m-schedule.js';

const loanId = document.body.dataset.loan;
const REFRESH_MS = 3000;
const MAX_REFRESHES = 200;
let refreshes = 0;
let timer;

function showStatus(view) {
  const { words, hint } = statusWords(view.status);
  const section = document.getElementById('status');
  section.hidden = false;
  section.dataset.status = view.status;
  document.getElementById('status-words').textContent = words;
  document.getElementById('status-hint').textContent = hint;
  const terms = view.offer ?? view.appliedFor;
  fillTerms(document.getElementById('loan-terms'), [
    ['借款类型', LOAN_TYPE_NAMES[view.loanType] ?? view.loanType],
    ['金额', yuan(terms.amount)],
    ['期数', `${terms.termCount} 期`],
    ['还款方式', METHOD_NAMES[terms.method] ?? terms.method],
    ['贷款编号', view.loanId],
  ]);
}

async function load() {
  clearTimeout(timer);
  let view;
  try {
    view = await api(`/v1/loans/${encodeURIComponent(loanId)}`);
  } catch (error) {
    if (error instanceof ApiFailure && (error.status === 404 || error.status === 403)) {
      notice('无权查看或贷款不存在');
      document.body.dataset.denied = 'true';
      return null;
    }
    throw error;
  }
  showStatus(view);
  showDocuments(view, load);
  showContract(view, load);
  await Promise.all([showSchedule(view), showRepay(view), showPayments(view), showPdfDocuments(view)]);
  showCertificate(view);
  if (isWaiting(view.status, view.missingDocuments) && refreshes < MAX_REFRESHES) {
    refreshes += 1;
    timer = setTimeout(() => load().catch((error) => notice(error.message)), REFRESH_MS);
  }
  return view;
}

if (requireSession()) {
  load()
    .then((view) => (view ? watchReturnedPayment(loanId, load) : undefined))
    .catch((error) => notice(error.message));
}
