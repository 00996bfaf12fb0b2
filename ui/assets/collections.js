// A collector's queue: the cases they hold, the contact form (outcome from the closed list,
// channel, note, a promise's date and amount) and the unassigned cases to claim. Contacts outside
// 08:00–21:00 local time are refused by the API, and the refusal is shown as it comes.
import {
  api,
  el,
  errorBox,
  fmt,
  label,
  loadErrorBox,
  replace,
  requestKeys,
  startPage,
  t,
  table,
} from '/ui/assets/core.js';

const form = document.getElementById('contact');
const contactKey = requestKeys('contact');
let cases = null;
let failure = null;
let notice = null;

async function load() {
  try {
    cases = await api('/v1/collections/my-cases');
    failure = null;
  } catch (error) {
    cases = null;
    failure = error;
  }
  draw();
}

function caseColumns() {
  return [
    { label: t('collections.col.case'), cell: (c) => el('a', { href: `/loans/${c.loanId}`, class: 'mono' }, c.loanId) },
    { label: t('collections.col.dpd'), class: 'num', cell: (c) => fmt.integer(c.daysPastDue) },
    { label: t('collections.col.bucket'), cell: (c) => label('bucket', c.bucket) },
    { label: t('collections.col.priority'), cell: (c) => label('priority', c.priority) },
    { label: t('collections.col.principal'), class: 'num', cell: (c) => fmt.money(c.outstandingPrincipal) },
    { label: t('collections.col.escalation'), cell: (c) => label('escalation', c.escalation) || '—' },
    {
      label: t('collections.col.lastContact'),
      cell: (c) =>
        c.lastContact ? `${label('outcome', c.lastContact.outcome)} · ${fmt.instant(c.lastContact.at)}` : '—',
    },
    {
      label: t('collections.col.promise'),
      cell: (c) => (c.promise ? `${fmt.date(c.promise.promisedOn)} ${fmt.money(c.promise.amount)}` : '—'),
    },
  ];
}

async function claim(caseId) {
  try {
    await api(`/v1/collections/cases/${caseId}/claim`, { method: 'POST' });
    notice = { ok: t('collections.claimed') };
  } catch (error) {
    notice = { error };
  }
  await load();
}

function draw() {
  if (failure) return replace('mine', loadErrorBox(failure));
  if (!cases) return;
  const empty = () => el('p', { class: 'empty' }, t('collections.empty'));
  replace(
    'mine',
    cases.mine.length
      ? table(caseColumns(), cases.mine, { rowAttrs: (c) => ({ dataset: { caseId: c.caseId } }) })
      : empty(),
  );
  replace(
    'unassigned',
    notice?.error ? errorBox(notice.error) : null,
    cases.unassigned.length
      ? table(
          [
            ...caseColumns(),
            {
              label: t('collections.col.action'),
              cell: (c) =>
                el(
                  'button',
                  { type: 'button', class: 'button', dataset: { claim: c.caseId }, onclick: () => claim(c.caseId) },
                  t('collections.claim'),
                ),
            },
          ],
          cases.unassigned,
          { rowAttrs: (c) => ({ dataset: { caseId: c.caseId } }) },
        )
      : empty(),
  );
  const chosen = form.caseId.value;
  form.caseId.replaceChildren(...cases.mine.map((c) => el('option', { value: c.caseId }, c.loanId)));
  if (chosen) form.caseId.value = chosen;
}

async function record(event) {
  event.preventDefault();
  const body = {
    outcome: form.outcome.value,
    channel: form.channel.value,
    note: form.note.value.trim(),
  };
  if (form.promisedOn.value) body.promisedOn = form.promisedOn.value;
  if (form.promisedAmount.value.trim()) body.promisedAmount = form.promisedAmount.value.trim();
  try {
    await api(`/v1/collections/cases/${form.caseId.value}/contacts`, {
      method: 'POST',
      body,
      idempotencyKey: contactKey({ caseId: form.caseId.value, ...body }),
    });
    replace(
      'contact-result',
      el('div', { class: 'alert alert-success', role: 'status' }, t('collections.contact.saved')),
    );
    form.note.value = '';
    await load();
  } catch (error) {
    replace(
      'contact-result',
      errorBox(error, null, (field) => t(`collections.contact.${field}`)),
    );
  }
}

startPage(async () => {
  form.addEventListener('submit', record);
  await load();
  return draw;
});
