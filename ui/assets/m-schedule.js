// The loan page's schedule (the offer's before the payout, the loan's after it) and the settlement
// certificate (结清证明) once the loan is paid off.
import { api, el } from '/ui/assets/m-api.js';
import { dateWords, scheduleLineWords, yuan } from '/ui/assets/m-words.js';

const SERVICED = ['ACTIVE', 'OVERDUE', 'PAID_OFF', 'WRITTEN_OFF'];
let certificateWired = false;

function row(line, status) {
  return el(
    'tr',
    { dataset: { number: String(line.number), status: status ?? '' } },
    el('td', { text: String(line.number) }),
    el('td', { text: dateWords(line.dueDate) }),
    el('td', { text: yuan(line.total) }),
    el('td', { text: status ? scheduleLineWords(status) : '—' }),
  );
}

export async function showSchedule(view) {
  const section = document.getElementById('schedule');
  const heading = document.getElementById('schedule-heading');
  const body = document.getElementById('schedule-rows');
  if (SERVICED.includes(view.status)) {
    const { installments } = await api(`/v1/loans/${encodeURIComponent(view.loanId)}/schedule`);
    heading.textContent = '还款计划';
    body.replaceChildren(...installments.map((line) => row(line, line.status)));
    section.hidden = false;
  } else if (['AWAITING_SIGNATURE', 'DISBURSING'].includes(view.status) && view.offer) {
    heading.textContent = '还款计划（预计，实际日期以放款日为准）';
    body.replaceChildren(...view.offer.installments.map((line) => row(line)));
    section.hidden = false;
  } else section.hidden = true;
}

async function download(loanId) {
  const response = await api(`/v1/loans/${encodeURIComponent(loanId)}/settlement-certificate`, { as: 'response' });
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: `结清证明-${loanId}.html`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function showCertificate(view) {
  const section = document.getElementById('certificate');
  section.hidden = view.status !== 'PAID_OFF';
  if (section.hidden || certificateWired) return;
  certificateWired = true;
  const button = document.getElementById('download-certificate');
  button.addEventListener('click', () => {
    button.disabled = true;
    download(view.loanId)
      .catch((error) => {
        section.append(el('p', { class: 'm-field-error', role: 'alert', text: error.message }));
      })
      .finally(() => {
        button.disabled = false;
      });
  });
}
