// "查看完整信息": a reviewer (or a collector, for the phone) asks to see the applicant in full,
// giving a reason. The API audits every ask; the values live only in this page's memory.
import { api, el, errorBox, t } from '/ui/assets/core.js';
import { UNMASKABLE } from '/ui/assets/site.js';

/** The action and its reason form, or null for a role that may unmask nothing. */
export function unmaskPanel(loanId, role, onShown) {
  const fields = UNMASKABLE[role] ?? [];
  if (fields.length === 0) return null;
  const error = el('div', { class: 'unmask-error' });
  const reason = el('input', {
    name: 'reason',
    required: true,
    maxlength: 200,
    autocomplete: 'off',
    placeholder: t('unmask.reasonHint'),
  });
  const form = el(
    'form',
    {
      class: 'unmask-form',
      hidden: true,
      onsubmit: async (event) => {
        event.preventDefault();
        error.replaceChildren();
        try {
          onShown(await api(`/v1/loans/${loanId}/unmask`, { method: 'POST', body: { fields, reason: reason.value } }));
        } catch (failure) {
          error.replaceChildren(
            errorBox(failure, t('unmask.failed'), (field) => (field === 'reason' ? t('unmask.reason') : field)),
          );
        }
      },
    },
    el('label', {}, t('unmask.reason'), ' ', reason),
    ' ',
    el('button', { type: 'submit', class: 'button primary' }, t('unmask.confirm')),
    el('p', { class: 'muted' }, t('unmask.audited')),
  );
  const open = el(
    'button',
    {
      type: 'button',
      class: 'button',
      dataset: { action: 'unmask' },
      onclick: () => {
        open.hidden = true;
        form.hidden = false;
        reason.focus();
      },
    },
    t('unmask.action'),
  );
  return el('div', { class: 'unmask' }, open, form, error);
}
