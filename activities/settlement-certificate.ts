// 结清证明: the certificate that a loan is fully repaid, as a self-contained HTML page.
import { toChineseCapital } from '../domain/capital-numerals.js';
import { escapeHtml } from '../domain/html.js';
import { maskIdNumber } from '../domain/masking.js';
import type { LocalDate, Money } from '../domain/types.js';

export interface CertificateFacts {
  loanId: string;
  companyName: string;
  borrowerName: string;
  idNumber: string;
  principal: Money;
  totalRepaid: Money;
  appliedOn: LocalDate;
  paidOffOn: LocalDate;
}

export function renderSettlementCertificate(f: CertificateFacts): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>结清证明 / Settlement certificate ${e(f.loanId)}</title></head>
<body>
<h1>结清证明</h1>
<p class="en">Settlement certificate</p>
<p>编号 No.: JQ-${e(f.loanId)}</p>
<p>借款人 ${e(f.borrowerName)}（身份证号 ${e(maskIdNumber(f.idNumber))}）于 ${e(f.appliedOn)} 申请、在本公司借款编号为 ${e(f.loanId)} 的贷款，
本金人民币 ${e(f.principal)} 元（大写：${e(toChineseCapital(f.principal))}），已于 ${e(f.paidOffOn)} 全部结清，
累计还款人民币 ${e(f.totalRepaid)} 元。截至该日，借款人在该笔贷款项下不再欠付本公司任何本金、利息、罚息及费用。</p>
<p class="en">The borrower named above has repaid loan ${e(f.loanId)} (principal CNY ${e(f.principal)}) in full on ${e(f.paidOffOn)},
having repaid CNY ${e(f.totalRepaid)} in total. Nothing further is owed under this loan.</p>
<p>特此证明。/ Certified by</p>
<p>${e(f.companyName)}</p>
<p>${e(f.paidOffOn)}</p>
</body></html>
`;
}
