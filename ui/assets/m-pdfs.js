// The loan page's PDF documents (我的单据): the receipt of every payment (reversed ones marked),
// a statement for the dates the borrower picks, the contract and, once paid off, the 结清证明, all
// as PDFs from /v1/loans/{loanId}/… (api/routes/borrower-documents.ts).
import { api, el } from '/ui/assets/m-api.js';
import { dateWords, yuan } from '/ui/assets/m-words.js';

const SERVICED = ['ACTIVE', 'OVERDUE', 'PAID_OFF', 'WRITTEN_OFF'];
const CHANNELS = { ONLINE: '线上支付', BANK_TRANSFER: '银行转账', CASH: '现金', AUTO_DEBIT: '自动代扣' };
let statementWired = false;

async function save(path, filename) {
  const response = await api(path, { as: 'response' });
  const url = URL.createObjectURL(await response.blob());
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function button(text, path, filename, section) {
  const b = el('button', { type: 'button', class: 'm-button m-secondary', text });
  b.addEventListener('click', () => {
    b.disabled = true;
    save(path, filename)
      .catch((error) => section.append(el('p', { class: 'm-field-error', role: 'alert', text: error.message })))
      .finally(() => {
        b.disabled = false;
      });
  });
  return b;
}

export async function showPdfDocuments(view) {
  const section = document.getElementById('pdfs');
  if (!SERVICED.includes(view.status)) {
    section.hidden = true;
    return;
  }
  const base = `/v1/loans/${encodeURIComponent(view.loanId)}`;
  const { items } = await api(`${base}/receipts`);
  document.getElementById('receipt-list').replaceChildren(
    ...(items.length === 0
      ? [el('li', { class: 'm-muted', text: '暂无还款' })]
      : items.map((r) =>
          el(
            'li',
            { dataset: { payment: r.paymentId, reversed: String(r.reversed) } },
            el('span', {
              text: `${dateWords(r.receivedOn)} ${CHANNELS[r.channel] ?? r.channel} ${yuan(r.amount)}${r.reversed ? '（已冲正）' : ''}`,
            }),
            button('还款回单', r.pdfUrl, `还款回单-${r.paymentId}.pdf`, section),
          ),
        )),
  );
  const fixed = document.getElementById('fixed-pdfs');
  fixed.replaceChildren(
    button('借款合同 PDF', `${base}/contract.pdf`, `借款合同-${view.loanId}.pdf`, section),
    ...(view.status === 'PAID_OFF'
      ? [button('结清证明 PDF', `${base}/settlement-certificate.pdf`, `结清证明-${view.loanId}.pdf`, section)]
      : []),
  );
  if (!statementWired) {
    statementWired = true;
    const form = document.getElementById('statement-form');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const from = form.elements.namedItem('from').value;
      const to = form.elements.namedItem('to').value;
      const query = new URLSearchParams({ from, to });
      save(`${base}/statement.pdf?${query}`, `对账单-${from}-${to}.pdf`).catch((error) =>
        form.append(el('p', { class: 'm-field-error', role: 'alert', text: error.message })),
      );
    });
  }
  section.hidden = false;
}
