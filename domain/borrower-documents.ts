// What the borrower's PDF documents say: the receipt (还款回单) of one payment, the statement
// (对账单) of a period, and the plain text of an HTML document (the signed contract, the 结清证明)
// for its PDF copy. Pure: the API reads the facts, this module words them, lib/pdf draws them.
import { toChineseCapital } from './capital-numerals.js';
import { fail, ok, problem, type Result } from './errors.js';
import { compareDates, parseLocalDateField } from './dates.js';
import { Dec, money, toMoney } from './money.js';
import type { LocalDate, Money } from './types.js';

/** A document's words: a title, lines ("# " starts a heading), its own date and a subject. */
export interface DocumentText {
  title: string;
  lines: string[];
  /** The date the document speaks of: its creation date in the PDF, so renders repeat byte for byte. */
  date: LocalDate;
  subject: string;
}

export const RECEIPT_CHANNEL_LABELS: Record<string, { zh: string; en: string }> = {
  ONLINE: { zh: '线上支付', en: 'Online payment' },
  BANK_TRANSFER: { zh: '银行转账', en: 'Bank transfer' },
  CASH: { zh: '现金', en: 'Cash' },
  AUTO_DEBIT: { zh: '自动代扣', en: 'Auto-debit' },
};

export interface ReceiptFacts {
  companyName: string;
  loanId: string;
  paymentId: string;
  channel: string;
  amount: Money;
  receivedOn: LocalDate;
  /** The borrower's name, masked. */
  borrowerName: string;
  /** How the payment was applied, summed over installments. */
  applied: { principal: Money; interest: Money; fee: Money; penalty: Money; lateFee: Money };
  /** Set when finance reversed the payment: the receipt says so. */
  reversedOn: LocalDate | null;
}

/** Sums an allocation as stored with a repayment (`{ lines: [{ principal, interest, … }] }`), tolerating missing parts. */
export function appliedAmounts(allocation: unknown): ReceiptFacts['applied'] {
  const lines =
    allocation && typeof allocation === 'object' && Array.isArray((allocation as { lines?: unknown }).lines)
      ? ((allocation as { lines: Record<string, unknown>[] }).lines ?? [])
      : [];
  const total = (key: string) =>
    toMoney(lines.reduce((acc, line) => acc.plus(typeof line[key] === 'string' ? money(line[key]) : 0), new Dec(0)));
  return {
    principal: total('principal'),
    interest: total('interest'),
    fee: total('fee'),
    penalty: total('penalty'),
    lateFee: total('lateFee'),
  };
}

export function receiptText(f: ReceiptFacts): DocumentText {
  const channel = RECEIPT_CHANNEL_LABELS[f.channel] ?? { zh: f.channel, en: f.channel };
  const lines = [
    ...(f.reversedOn
      ? [
          `# 【已冲正 REVERSED】本笔还款已于 ${f.reversedOn} 冲正，不再计入还款。`,
          'This payment was reversed; it no longer counts as repaid.',
          '',
        ]
      : []),
    `回单编号 Receipt no.: HK-${f.paymentId}`,
    `借款编号 Loan: ${f.loanId}`,
    `借款人 Borrower: ${f.borrowerName}`,
    `还款方式 Channel: ${channel.zh} / ${channel.en}`,
    `到账日期 Received on: ${f.receivedOn}`,
    `还款金额 Amount: 人民币 ${f.amount} 元`,
    `大写 In words: ${toChineseCapital(f.amount)}`,
    '',
    '# 入账明细 Applied to',
    `本金 Principal: ${f.applied.principal}`,
    `利息 Interest: ${f.applied.interest}`,
    `服务费 Fees: ${f.applied.fee}`,
    `罚息 Penalty interest: ${f.applied.penalty}`,
    `滞纳金 Late fees: ${f.applied.lateFee}`,
    '',
    `${f.companyName}`,
  ];
  return {
    title: f.reversedOn ? '还款回单（已冲正） / Repayment receipt (reversed)' : '还款回单 / Repayment receipt',
    lines,
    date: f.reversedOn ?? f.receivedOn,
    subject: `receipt ${f.loanId} ${f.paymentId}`,
  };
}

/** One ledger entry of the loan and how it moved what the borrower owes (principal and billed charges). */
export interface BalanceMovement {
  effectiveOn: LocalDate;
  kind: string;
  /** Positive: the borrower owes more (payout, charge); negative: owes less (payment, write-off). */
  change: Money;
  reference: string;
}

export const MOVEMENT_LABELS: Record<string, { zh: string; en: string }> = {
  DISBURSEMENT: { zh: '放款', en: 'Payout' },
  INTEREST: { zh: '利息', en: 'Interest' },
  INSTALLMENT_FEE: { zh: '服务费', en: 'Installment fee' },
  PENALTY_INTEREST: { zh: '罚息', en: 'Penalty interest' },
  LATE_FEE: { zh: '滞纳金', en: 'Late fee' },
  REPAYMENT: { zh: '还款', en: 'Payment' },
  CREDIT_APPLIED: { zh: '预存款抵扣', en: 'Credit applied' },
  WRITE_OFF: { zh: '核销', en: 'Write-off' },
  REVERSAL: { zh: '冲正', en: 'Reversal' },
  REFUND: { zh: '退款', en: 'Refund' },
};

export interface Statement {
  from: LocalDate;
  to: LocalDate;
  opening: Money;
  entries: BalanceMovement[];
  closing: Money;
}

/** The statement of [from, to]: the balance before `from`, each movement dated within, the balance after `to`. */
export function buildStatement(movements: readonly BalanceMovement[], from: LocalDate, to: LocalDate): Statement {
  let opening = new Dec(0);
  const entries: BalanceMovement[] = [];
  for (const m of movements) {
    if (m.effectiveOn < from) opening = opening.plus(money(m.change));
    else if (m.effectiveOn <= to && !money(m.change).isZero()) entries.push(m);
  }
  entries.sort((a, b) => compareDates(a.effectiveOn, b.effectiveOn));
  const closing = entries.reduce((acc, m) => acc.plus(money(m.change)), opening);
  return { from, to, opening: toMoney(opening), entries, closing: toMoney(closing) };
}

export function statementText(
  s: Statement,
  f: { companyName: string; loanId: string; borrowerName: string },
): DocumentText {
  const lines = [
    `借款编号 Loan: ${f.loanId}`,
    `借款人 Borrower: ${f.borrowerName}`,
    `期间 Period: ${s.from} 至 to ${s.to}`,
    '',
    `期初余额 Opening balance: ${s.opening}`,
    '',
    '# 明细 Entries（日期 / 项目 / 金额 / 参考号）',
    ...(s.entries.length === 0 ? ['本期无发生额 No entries in this period'] : []),
    ...s.entries.map((m) => {
      const label = MOVEMENT_LABELS[m.kind] ?? { zh: m.kind, en: m.kind };
      const amount = money(m.change).isNegative() ? m.change : `+${m.change}`;
      return `${m.effectiveOn}  ${label.zh} ${label.en}  ${amount}  ${m.reference}`;
    }),
    '',
    `期末余额 Closing balance: ${s.closing}`,
    `大写 In words: ${money(s.closing).isNegative() ? '负' + toChineseCapital(toMoney(money(s.closing).abs())) : toChineseCapital(s.closing)}`,
    '',
    '余额为借款人所欠本金及已出账的利息、费用与罚息。 The balance is the principal and the billed interest, fees and penalties owed.',
    '',
    f.companyName,
  ];
  return { title: '对账单 / Statement', lines, date: s.to, subject: `statement ${f.loanId} ${s.from} ${s.to}` };
}

/** Reads ?from= and ?to= of a statement: real dates, from not after to; problems name the field. */
export function parseStatementPeriod(from: unknown, to: unknown): Result<{ from: LocalDate; to: LocalDate }> {
  const a = parseLocalDateField(from, 'from', { minYear: 2000, maxYear: 2200 });
  const b = parseLocalDateField(to, 'to', { minYear: 2000, maxYear: 2200 });
  const problems = [...(a.ok ? [] : a.problems), ...(b.ok ? [] : b.problems)];
  if (problems.length) return fail(...problems);
  if (a.ok && b.ok && a.value > b.value)
    return fail(problem('to', 'BEFORE_FROM', '结束日期不能早于开始日期', 'must not be before from'));
  return ok({ from: (a as { value: LocalDate }).value, to: (b as { value: LocalDate }).value });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/**
 * The text of one of our HTML documents, line by line, for its PDF copy: the head and styles go,
 * block ends and <br> break lines, table cells are spaced, headings keep a "# " mark, entities are
 * decoded. The HTML stays the signed source; this is the same text.
 */
export function htmlToLines(html: string): { title: string; lines: string[] } {
  const titleMatch = /<title>([\s\S]*?)<\/title>/i.exec(html);
  const decode = (s: string) =>
    s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name: string) => {
      if (ENTITIES[name] !== undefined) return ENTITIES[name];
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return whole;
    });
  const body = html
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<h[1-6][^>]*>/gi, '\n# ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|tr|li|section|table|thead|tbody|ol|ul)>/gi, '\n')
    .replace(/<\/t[dh]>/gi, '  ')
    .replace(/<[^>]+>/g, '');
  const lines = decode(body)
    .split('\n')
    .map((l) => l.replace(/[ \t\r]+/g, ' ').trim())
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''));
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return { title: titleMatch ? decode(titleMatch[1]!).trim() : '', lines: lines.map((l) => (l === '# ' ? '' : l)) };
}
