// The loan page's documents: each one the loan asks for, whether it is in, and a file input for
// the missing ones (the phone's camera or a file). Each file goes up as it is chosen.
import { api, ApiFailure, el } from '/ui/assets/m-api.js';
import { DOCUMENT_NAMES } from '/ui/assets/m-site.js';
import { missingNames } from '/ui/assets/m-words.js';

const UPLOADABLE = ['AWAITING_DOCUMENTS', 'ASSESSING', 'INITIAL_REVIEW', 'FINAL_REVIEW'];

function documentRow(loanId, type, missing, reload) {
  const error = el('small', { class: 'm-field-error', role: 'alert', hidden: true });
  const row = el(
    'li',
    { class: 'm-item m-document', dataset: { document: type, state: missing ? 'missing' : 'received' } },
    el('strong', { text: DOCUMENT_NAMES[type] ?? type }),
    el('span', {
      class: missing ? 'm-badge m-badge-missing' : 'm-badge m-badge-ok',
      text: missing ? '待上传' : '已上传',
    }),
  );
  if (missing) {
    const input = el('input', {
      type: 'file',
      name: `file-${type}`,
      accept: 'image/*,application/pdf',
      capture: 'environment',
      'aria-label': `上传${DOCUMENT_NAMES[type] ?? type}`,
    });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      input.disabled = true;
      error.hidden = true;
      const form = new FormData();
      form.set('type', type);
      form.set('file', file, file.name);
      try {
        await api(`/v1/loans/${encodeURIComponent(loanId)}/documents`, { method: 'POST', form });
        await reload();
      } catch (failure) {
        error.textContent = failure instanceof ApiFailure ? failure.message : String(failure);
        error.hidden = false;
        input.disabled = false;
        input.value = '';
      }
    });
    row.append(el('label', { class: 'm-upload' }, '拍照或选择文件', input), error);
  }
  return row;
}

/** Shows the documents section while the loan takes documents and asks for some. */
export function showDocuments(view, reload) {
  const section = document.getElementById('documents');
  const missing = new Set(view.missingDocuments ?? []);
  section.hidden = !UPLOADABLE.includes(view.status) || view.requiredDocuments.length === 0;
  if (section.hidden) return;
  const names = missingNames(view, DOCUMENT_NAMES);
  document.getElementById('documents-missing').textContent =
    names.length > 0 ? `还缺 ${names.length} 份：${names.join('、')}` : '资料已齐全。';
  document
    .getElementById('document-list')
    .replaceChildren(
      ...view.requiredDocuments.map((type) => documentRow(view.loanId, type, missing.has(type), reload)),
    );
}
