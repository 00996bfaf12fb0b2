// /m/apply/{productCode}: the application for one product. The APR of the terms chosen is asked of
// the public quote API as the borrower types; the submit carries an Idempotency-Key chosen once per
// body, so a second tap or a retry after a dropped answer opens one loan.
import { api, busy, clearErrors, el, notice, randomId, requireSession, showErrors } from '/ui/assets/m-api.js';
import {
  COLLATERAL_NAMES,
  FREQUENCY_NAMES,
  INDUSTRY_NAMES,
  METHOD_NAMES,
  RELATIONSHIP_NAMES,
  REQUIRED_SECTION,
} from '/ui/assets/m-site.js';
import { percent, setPath, yuan } from '/ui/assets/m-words.js';

const form = document.getElementById('apply-form');
const code = document.body.dataset.product;
const keys = new Map();
let product;

/** A control by name (form.method would be the form's own method attribute). */
const field = (name) => form.elements.namedItem(name);

function fillChoice(name, entries) {
  const select = form.querySelector(`select[name="${name}"]`);
  select.replaceChildren(...entries.map(([value, label]) => el('option', { value, text: label })));
}

/** The named inputs of the visible sections, with their values as the API takes them. */
function body() {
  const out = { loanType: product.loanType, productCode: product.code };
  for (const input of form.querySelectorAll('input[name], select[name]')) {
    if (input.closest('[hidden]')) continue;
    const name = input.name;
    if (input.type === 'checkbox') setPath(out, name, input.checked);
    else if (name === 'termCount') setPath(out, name, Number(input.value));
    else if (name === 'farm.crops') setPath(out, name, input.value.split(/[,，、\s]+/).filter(Boolean));
    else if (input.value.trim() !== '')
      setPath(out, name, name.endsWith('idNumber') ? input.value.trim().toUpperCase() : input.value.trim());
  }
  out.consent.textVersion = document.body.dataset.consentVersion;
  return out;
}

let quoteTimer;
function askQuote() {
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(async () => {
    const box = document.getElementById('quote');
    const principal = field('amount').value.trim();
    if (!/^\d+(\.\d{1,2})?$/.test(principal) || !field('termCount').value) {
      box.replaceChildren();
      return;
    }
    try {
      const quote = await api('/v1/quotes', {
        method: 'POST',
        auth: false,
        body: {
          principal: Number(principal).toFixed(2),
          annualRate: product.defaultRate,
          termCount: Number(field('termCount').value),
          method: field('method').value,
          frequency: field('frequency').value,
          dayCount: product.dayCount,
          fees: product.fees,
        },
      });
      const first = quote.installments[0];
      box.replaceChildren(
        el('p', { class: 'm-apr', dataset: { apr: quote.apr } }, `年化利率（APR）${percent(quote.apr)}`),
        el('p', {
          class: 'm-muted',
          text: `按标准年利率 ${percent(product.defaultRate)} 试算：首期应还 ${yuan(first.total)}，利息共 ${yuan(quote.totalInterest)}，费用共 ${yuan(quote.totalFees)}，合计应还 ${yuan(quote.totalPayment)}。实际利率以审批结果和合同为准。`,
        }),
      );
    } catch {
      box.replaceChildren(el('p', { class: 'm-muted', text: '暂时无法试算，请检查金额和期数。' }));
    }
  }, 300);
}

function submit(event) {
  event.preventDefault();
  clearErrors(form);
  const button = form.querySelector('button[type="submit"]');
  void busy(button, async () => {
    const application = body();
    const what = JSON.stringify(application);
    if (!keys.has(what)) keys.set(what, `h5-${randomId(16)}`);
    try {
      const answer = await api('/v1/applications', {
        method: 'POST',
        body: application,
        headers: { 'idempotency-key': keys.get(what) },
      });
      location.assign(`/m/loans/${encodeURIComponent(answer.loanId)}`);
    } catch (error) {
      showErrors(form, error);
      form.querySelector('[aria-invalid="true"]')?.scrollIntoView({ block: 'center' });
    }
  });
}

async function show() {
  product = await api(`/v1/products/${encodeURIComponent(code)}`);
  document.getElementById('product-name').textContent = product.name.zh;
  document.getElementById('product-range').textContent =
    `可借 ${yuan(product.minAmount)}–${yuan(product.maxAmount)}，${product.minTerm}–${product.maxTerm} 期，年化利率（APR）不超过 ${percent(product.aprCap)}`;
  field('amount').placeholder = `${product.minAmount}–${product.maxAmount}`;
  field('termCount').min = String(product.minTerm);
  field('termCount').max = String(product.maxTerm);
  field('termCount').value = String(Math.min(product.maxTerm, Math.max(product.minTerm, 12)));
  fillChoice(
    'method',
    product.methods.map((m) => [m, METHOD_NAMES[m] ?? m]),
  );
  fillChoice(
    'frequency',
    product.frequencies.map((f) => [f, FREQUENCY_NAMES[f] ?? f]),
  );
  fillChoice('business.industry', Object.entries(INDUSTRY_NAMES));
  fillChoice('collateral.type', Object.entries(COLLATERAL_NAMES));
  fillChoice('guarantor.relationship', Object.entries(RELATIONSHIP_NAMES));
  const section = REQUIRED_SECTION[product.loanType];
  for (const part of form.querySelectorAll('[data-section]')) part.hidden = part.dataset.section !== section;
  form.hidden = false;
  for (const name of ['amount', 'termCount', 'method', 'frequency']) field(name).addEventListener('input', askQuote);
  form.addEventListener('submit', submit);
  askQuote();
}

if (requireSession()) show().catch((error) => notice(error.message));
