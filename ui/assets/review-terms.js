// The final reviewer's changed terms: checked against the product's ranges (GET /v1/products) before
// anything is sent, and previewed as the schedule they would give (POST /v1/quotes). The workflow's
// validator still decides; this only spares the reviewer a refusal and shows what they approve.
import { api, el, fmt, t, table } from '/ui/assets/core.js';

const PREVIEW_DELAY_MS = 400;

/** The fields as numbers, or null when left empty (the applied-for value stands). */
export function changedTerms(form) {
  const read = (name) => {
    const text = form.elements[name].value.trim();
    return text === '' ? null : Number(text);
  };
  return { amount: read('amount'), ratePercent: read('ratePercent'), termCount: read('termCount') };
}

/** Problems with the changed terms against the product, each `{ field, key, vars }`; empty when all fit. */
export function termProblems(terms, product) {
  if (!product) return [];
  const problems = [];
  const outside = (value, min, max) => !Number.isFinite(value) || value < min || value > max;
  if (terms.amount !== null) {
    const min = Number(product.minAmount);
    const max = Number(product.maxAmount);
    if (outside(terms.amount, min, max) || Math.round(terms.amount * 100) !== terms.amount * 100)
      problems.push({
        field: 'amount',
        key: 'review.range.amount',
        vars: { min: fmt.money(min), max: fmt.money(max) },
      });
  }
  if (terms.termCount !== null) {
    if (!Number.isInteger(terms.termCount) || outside(terms.termCount, product.minTerm, product.maxTerm))
      problems.push({
        field: 'termCount',
        key: 'review.range.term',
        vars: { min: product.minTerm, max: product.maxTerm },
      });
  }
  if (terms.ratePercent !== null) {
    // Compared in hundredths of a percent, so 18.00 against "0.1800" is not lost to floating point.
    const hundredths = Math.round(terms.ratePercent * 100);
    const min = Math.round(Number(product.minRate) * 10_000);
    const max = Math.round(Number(product.maxRate) * 10_000);
    if (outside(hundredths, min, max) || Math.abs(hundredths - terms.ratePercent * 100) > 1e-6)
      problems.push({
        field: 'ratePercent',
        key: 'review.range.rate',
        vars: { min: fmt.percent(product.minRate), max: fmt.percent(product.maxRate) },
      });
  }
  return problems;
}

/** The quote request for the terms as changed, the rest as applied for. */
function quoteBody(loan, product, terms) {
  return {
    principal: terms.amount !== null ? terms.amount.toFixed(2) : loan.requested.amount,
    annualRate: terms.ratePercent !== null ? (terms.ratePercent / 100).toFixed(4) : loan.requested.annualRate,
    termCount: terms.termCount ?? loan.requested.termCount,
    method: loan.requested.method,
    frequency: loan.requested.frequency,
    ...(product?.fees?.length ? { fees: product.fees } : {}),
  };
}

function previewTable(quote) {
  return el(
    'div',
    { class: 'table-wrap schedule' },
    table(
      [
        { label: t('schedule.number'), class: 'num', cell: (i) => String(i.number) },
        { label: t('schedule.dueDate'), cell: (i) => fmt.date(i.dueDate) },
        { label: t('schedule.principal'), class: 'num', cell: (i) => fmt.money(i.principal) },
        { label: t('schedule.interest'), class: 'num', cell: (i) => fmt.money(i.interest) },
        { label: t('schedule.total'), class: 'num', cell: (i) => fmt.money(i.total) },
      ],
      quote.installments,
    ),
  );
}

/**
 * The preview box and its `update(terms)`: with no change or a problem it is empty; otherwise,
 * after a short pause in typing, the schedule of the changed terms. A later update wins.
 */
export function termsPreview(loan, product) {
  const box = el('div', { class: 'terms-preview', id: 'terms-preview', 'aria-live': 'polite' });
  let timer = null;
  let asked = 0;
  let last = null;
  const draw = () => {
    if (!last) return box.replaceChildren();
    if (last.failed) return box.replaceChildren(el('p', { class: 'alert alert-error' }, t('review.preview.failed')));
    const { quote } = last;
    box.replaceChildren(
      el('h3', {}, t('review.preview.heading')),
      el(
        'p',
        { class: 'preview-summary', dataset: { termCount: String(quote.installments.length) } },
        t('review.preview.summary', {
          n: quote.installments.length,
          total: fmt.money(quote.totalPayment),
          apr: fmt.percent(quote.apr),
        }),
      ),
      previewTable(quote),
    );
  };
  const update = (terms, problems) => {
    clearTimeout(timer);
    const unchanged = terms.amount === null && terms.ratePercent === null && terms.termCount === null;
    if (unchanged || problems.length) {
      asked += 1;
      last = null;
      return draw();
    }
    timer = setTimeout(async () => {
      const mine = ++asked;
      let answer;
      try {
        answer = {
          quote: await api('/v1/quotes', { method: 'POST', body: quoteBody(loan, product, terms), auth: false }),
        };
      } catch {
        answer = { failed: true };
      }
      if (mine !== asked) return;
      last = answer;
      draw();
    }, PREVIEW_DELAY_MS);
  };
  return { box, update, redraw: draw };
}
