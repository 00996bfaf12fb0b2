// /m/loans: the borrower's loans (newest first) and the products open for applications.
import { api, el, notice, requireSession } from '/ui/assets/m-api.js';
import { LOAN_TYPE_NAMES } from '/ui/assets/m-site.js';
import { dateWords, percent, statusWords, yuan } from '/ui/assets/m-words.js';

function loanItem(loan) {
  const { words } = statusWords(loan.status);
  return el(
    'li',
    { class: 'm-item', dataset: { loanId: loan.loanId, status: loan.status } },
    el(
      'a',
      { href: `/m/loans/${encodeURIComponent(loan.loanId)}` },
      el('strong', { text: `${LOAN_TYPE_NAMES[loan.loanType] ?? loan.loanType} ${yuan(loan.amount)}` }),
      el('span', { class: `m-badge m-badge-${loan.status}`, text: words }),
      el('small', { class: 'm-muted', text: `${loan.termCount} 期 · 申请于 ${dateWords(loan.createdAt)}` }),
    ),
  );
}

function productItem(product) {
  return el(
    'li',
    { class: 'm-item', dataset: { product: product.code, loanType: product.loanType } },
    el(
      'a',
      { href: `/m/apply/${encodeURIComponent(product.code)}` },
      el('strong', { text: product.name.zh }),
      el('span', { class: 'm-muted', text: `${yuan(product.minAmount)}–${yuan(product.maxAmount)}` }),
      el('small', {
        class: 'm-muted',
        text: `${product.minTerm}–${product.maxTerm} 期 · 年利率 ${percent(product.minRate)} 起 · 年化利率（APR）不超过 ${percent(product.aprCap)}`,
      }),
    ),
  );
}

async function show() {
  const [loans, products] = await Promise.all([api('/v1/loans?limit=50'), api('/v1/products')]);
  const loanList = document.getElementById('loans');
  loanList.replaceChildren(...loans.loans.map(loanItem));
  loanList.removeAttribute('aria-busy');
  document.getElementById('no-loans').hidden = loans.loans.length > 0;
  const productList = document.getElementById('products');
  productList.replaceChildren(...products.products.map(productItem));
  productList.removeAttribute('aria-busy');
}

if (requireSession()) show().catch((error) => notice(error.message));
