// Ops' panel on a loan parked in NEEDS_ATTENTION: which step failed and why, and the two ways out,
// always with a reason: run the failed step again, or close a loan no money has left for. The
// workflow decides; a refusal (a payout the bank may have made cannot be closed) shows here.
import { api, el, errorBox, facts, fmt, onLanguageChange, requestKeys, t } from '/ui/assets/core.js';

const label = (key) => el('span', { dataset: { i18n: key } }, t(key));
/** The failed step in words (ui/step-names.ts); a step the dictionary does not know shows as its code. */
const stepName = (step) => (t(`step.${step}`) === `step.${step}` ? step : label(`step.${step}`));

const requestKey = requestKeys('attention');

export function attentionPanel({ loan, onResolved }) {
  const parked = loan.attention;
  const result = el('div', { class: 'form-result', 'aria-live': 'polite' });
  const reason = el('textarea', {
    name: 'reason',
    id: 'attention-reason',
    rows: 3,
    maxlength: 500,
    required: true,
    dataset: { i18nPlaceholder: 'attention.reasonPlaceholder' },
    placeholder: t('attention.reasonPlaceholder'),
  });
  let problem = null;
  const showProblem = () => {
    if (!problem) return result.replaceChildren();
    result.replaceChildren(
      typeof problem === 'string'
        ? el('div', { class: 'alert alert-error', role: 'alert' }, t(problem))
        : errorBox(problem, t('attention.refused')),
    );
  };

  const send = async (action, button) => {
    const body = { action, reason: reason.value.trim() };
    problem = body.reason ? null : 'attention.reasonMissing';
    showProblem();
    if (problem) return;
    button.disabled = true;
    try {
      const answer = await api(`/v1/loans/${loan.loanId}/attention`, {
        method: 'POST',
        body,
        idempotencyKey: requestKey(body),
      });
      await onResolved(action, answer);
    } catch (error) {
      problem = error;
      showProblem();
    } finally {
      button.disabled = false;
    }
  };
  const retry = el(
    'button',
    { type: 'button', class: 'button primary', id: 'attention-retry' },
    label('attention.retry'),
  );
  const close = el('button', { type: 'button', class: 'button', id: 'attention-close' }, label('attention.close'));
  retry.addEventListener('click', () => send('RETRY', retry));
  close.addEventListener('click', () => send('CLOSE', close));
  onLanguageChange(showProblem);

  return el(
    'section',
    { class: 'card attention', dataset: { section: 'loan.section.attention' } },
    el('h2', {}, label('loan.section.attention')),
    facts([
      [label('attention.step'), stepName(parked.step)],
      [label('attention.cause'), el('span', { id: 'attention-cause' }, parked.cause)],
      [label('attention.since'), fmt.instant(parked.since)],
    ]),
    el('label', { class: 'field' }, label('attention.reason'), reason),
    result,
    el('div', { class: 'actions' }, retry, close),
  );
}
