// The hosted pay page (收银台) a borrower opens at an order's payUrl: the merchant's subject and the
// amount, and a card form that posts back to the same address.

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>${body}</main></body></html>`;
}

export function payPage(order: { orderId: string; subject: string; amount: string; currency: string }): string {
  return page(
    '收银台 / Checkout',
    `<h1>收银台 / Checkout</h1>
<p data-field="subject">${escapeHtml(order.subject)}</p>
<p>应付 / Amount due: <strong data-field="amount">${escapeHtml(order.currency)} ${escapeHtml(order.amount)}</strong></p>
<form method="post" action="./${encodeURIComponent(order.orderId)}">
  <label>银行卡号 / Card number <input name="cardNumber" inputmode="numeric" autocomplete="cc-number" required></label>
  <button type="submit">确认支付 / Pay</button>
</form>`,
  );
}

export function resultPage(outcome: { title: string; detail: string; returnUrl?: string | null }): string {
  const back = outcome.returnUrl
    ? `<p><a href="${escapeHtml(outcome.returnUrl)}">返回商户 / Back to the merchant</a></p>`
    : '';
  return page(outcome.title, `<h1>${escapeHtml(outcome.title)}</h1><p>${escapeHtml(outcome.detail)}</p>${back}`);
}
