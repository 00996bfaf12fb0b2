// The review form on a loan in initial or final review: approve, reject, request documents
// (initial review) or approve with changed terms (final review), always with a comment. The
// workflow's validators answer at once; a refusal shows here, in the reviewer's language.
import { DOCUMENT_TYPES } from '/ui/assets/site.js';
import { api, el, errorBox, fmt, onLanguageChange, requestKeys, t } from '/ui/assets/core.js';
import { reviewDraft } from '/ui/assets/review-draft.js';
import { changedTerms, termProblems, termsPreview } from '/ui/assets/review-terms.js';

const DECISIONS = {
  INITIAL: ['APPROVE', 'REJECT', 'REQUEST_DOCUMENTS'],
  FINAL: ['APPROVE', 'APPROVE_WITH_CHANGES', 'REJECT'],
};

/** A label the language switch retranslates in place, so typed input survives the switch. */
const label = (key) => el('span', { dataset: { i18n: key } }, t(key));

function numberField(name, key, attrs) {
  return el(
    'label',
    { class: 'field' },
    label(key),
    el('input', { type: 'number', name, inputmode: 'decimal', ...attrs }),
  );
}

function limitsText(product) {
  if (!product) return '';
  return t('terms.productLimits', {
    minAmount: fmt.money(product.minAmount),
    maxAmount: fmt.money(product.maxAmount),
    minTerm: product.minTerm,
    maxTerm: product.maxTerm,
    minRate: fmt.percent(product.minRate),
    maxRate: fmt.percent(product.maxRate),
  });
}

/** Label keys for the fields a refusal can name, by the last part of its path. */
const FIELD_LABELS = {
  amount: 'review.newAmount',
  annualRate: 'review.newRate',
  termCount: 'review.newTerm',
  comment: 'review.comment',
  documents: 'review.documents',
  decision: 'review.decision',
};
const fieldLabel = (path) => {
  const key = FIELD_LABELS[path.split('.').pop()];
  return key ? t(key) : path;
};

const requestKey = requestKeys('review');

/** The request body for the chosen decision, or a label key saying what is missing. */
function reviewBody(form, stage) {
  const choice = form.elements.decision.value;
  const body = {
    stage,
    decision: choice === 'APPROVE_WITH_CHANGES' ? 'APPROVE' : choice,
    comment: form.elements.comment.value.trim(),
  };
  if (choice === 'APPROVE_WITH_CHANGES') {
    const { amount, ratePercent, termCount } = form.elements;
    if (amount.value) body.amount = Number(amount.value).toFixed(2);
    // The workflow takes a rate as a fraction with at most four decimals: 10.25% → "0.1025".
    if (ratePercent.value) body.annualRate = (Number(ratePercent.value) / 100).toFixed(4);
    if (termCount.value) body.termCount = Number(termCount.value);
    if (!amount.value && !ratePercent.value && !termCount.value) return { missing: 'review.noChanges' };
  }
  if (choice === 'REQUEST_DOCUMENTS') {
    body.documents = [...form.querySelectorAll('input[name="documents"]:checked')].map((box) => box.value);
  }
  return { choice, body };
}

/** The product's ranges as the inputs' own limits, so the browser's spinner stays inside them too. */
function rangeAttrs(product) {
  if (!product) return { amount: { min: 0 }, ratePercent: { min: 0 }, termCount: { min: 1 } };
  return {
    amount: { min: product.minAmount, max: product.maxAmount },
    ratePercent: {
      min: (Number(product.minRate) * 100).toFixed(2),
      max: (Number(product.maxRate) * 100).toFixed(2),
    },
    termCount: { min: product.minTerm, max: product.maxTerm },
  };
}

export function reviewPanel({ loan, product, user, onRecorded }) {
  const stage = loan.status === 'INITIAL_REVIEW' ? 'INITIAL' : 'FINAL';
  const choices = DECISIONS[stage];
  let problem = null;
  let rangeProblems = [];

  const hint = el('p', { class: 'hint' }, limitsText(product));
  const ranges = rangeAttrs(product);
  const rangeList = el('ul', { class: 'range-problems', role: 'alert' });
  const preview = termsPreview(loan, product);
  const changes = el(
    'fieldset',
    { class: 'changes', hidden: true },
    el('legend', {}, label('action.APPROVE_WITH_CHANGES')),
    numberField('amount', 'review.newAmount', { ...ranges.amount, step: '0.01', placeholder: loan.requested.amount }),
    numberField('ratePercent', 'review.newRate', {
      ...ranges.ratePercent,
      step: '0.01',
      placeholder: (Number(loan.requested.annualRate) * 100).toFixed(2),
    }),
    numberField('termCount', 'review.newTerm', {
      ...ranges.termCount,
      step: '1',
      placeholder: String(loan.requested.termCount),
    }),
    hint,
    rangeList,
    preview.box,
  );
  const documents = el(
    'fieldset',
    { class: 'request-docs', hidden: true },
    el('legend', {}, label('review.documents')),
    el(
      'div',
      { class: 'checks' },
      DOCUMENT_TYPES.map((type) =>
        el(
          'label',
          { class: 'check' },
          el('input', { type: 'checkbox', name: 'documents', value: type }),
          label(`doc.${type}`),
        ),
      ),
    ),
  );
  const result = el('div', { class: 'review-result', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'button primary' }, label('review.submit'));
  const form = el(
    'form',
    { id: 'review-form', class: 'stack' },
    el('p', {}, el('span', { class: 'badge stage' }, label(`stage.${stage}`))),
    el(
      'fieldset',
      { class: 'decisions' },
      el('legend', {}, label('review.decision')),
      choices.map((choice) =>
        el(
          'label',
          { class: `choice choice-${choice}` },
          el('input', { type: 'radio', name: 'decision', value: choice, required: true }),
          label(`action.${choice}`),
        ),
      ),
    ),
    changes,
    documents,
    el(
      'label',
      { class: 'field' },
      label('review.comment'),
      el('textarea', {
        name: 'comment',
        rows: 3,
        maxlength: 1000,
        required: true,
        dataset: { i18nPlaceholder: 'review.commentPlaceholder' },
        placeholder: t('review.commentPlaceholder'),
      }),
    ),
    result,
    submit,
  );

  const showProblem = () => {
    if (!problem) return result.replaceChildren();
    result.replaceChildren(
      typeof problem === 'string'
        ? el('div', { class: 'alert alert-error', role: 'alert' }, t(problem))
        : errorBox(problem, t('review.refused'), fieldLabel),
    );
  };

  const showRanges = () =>
    rangeList.replaceChildren(
      ...rangeProblems.map((p) =>
        el('li', { class: 'alert alert-error', dataset: { field: p.field } }, t(p.key, p.vars)),
      ),
    );
  const checkTerms = () => {
    const terms = changedTerms(form);
    rangeProblems = termProblems(terms, product);
    for (const name of ['amount', 'ratePercent', 'termCount'])
      form.elements[name].setAttribute('aria-invalid', String(rangeProblems.some((p) => p.field === name)));
    showRanges();
    preview.update(terms, rangeProblems);
  };
  const showChoice = () => {
    const choice = form.elements.decision.value;
    changes.hidden = choice !== 'APPROVE_WITH_CHANGES';
    documents.hidden = choice !== 'REQUEST_DOCUMENTS';
  };
  const draft = reviewDraft({ user, loan, stage, form });

  form.addEventListener('change', showChoice);
  form.addEventListener('input', (event) => {
    if (changes.contains(event.target)) checkTerms();
    draft.save();
  });
  form.addEventListener('change', () => draft.save());
  if (draft.restore()) {
    form.prepend(el('p', { class: 'alert alert-info', id: 'draft-restored' }, label('review.draftRestored')));
    showChoice();
    if (stage === 'FINAL') checkTerms();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.elements.decision.value === 'APPROVE_WITH_CHANGES') {
      checkTerms();
      // Outside the product's ranges: said here, nothing is sent.
      if (rangeProblems.length) return form.elements[rangeProblems[0].field].focus();
    }
    const built = reviewBody(form, stage);
    // The decision answers the round this page showed; a newer round refuses it (409).
    if (built.body && loan.openReview?.stage === stage) built.body.round = loan.openReview.round;
    problem = built.missing ?? null;
    showProblem();
    if (problem) return;
    submit.disabled = true;
    submit.firstChild.textContent = t('review.submitting');
    try {
      const answer = await api(`/v1/loans/${loan.loanId}/reviews`, {
        method: 'POST',
        body: built.body,
        idempotencyKey: requestKey(built.body),
      });
      draft.clear();
      await onRecorded(built.choice, answer);
    } catch (error) {
      problem = error;
      showProblem();
    } finally {
      submit.disabled = false;
      submit.firstChild.textContent = t('review.submit');
    }
  });

  onLanguageChange(() => {
    hint.textContent = limitsText(product);
    showProblem();
    showRanges();
    preview.redraw();
  });

  return el(
    'section',
    { class: 'card review', dataset: { section: 'loan.section.review' } },
    el('h2', {}, label('loan.section.review')),
    form,
  );
}
