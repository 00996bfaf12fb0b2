// 消息模板: the Chinese text of every notice the borrower gets, per event and channel. Each event
// declares the variables its template may use (what the sender fills in); a template naming any
// other variable is refused, naming it. `{{name}}` stands for a variable. Personal data reaches a
// template only masked: the sender masks the borrower's name (domain/masking.ts) before rendering,
// and no event declares a phone number, ID number or card number. Pure; no I/O.
import { fail, ok, problem, type FieldProblem, type Result } from './errors.js';

export const MESSAGE_CHANNELS = ['SMS', 'EMAIL'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export interface MessageEvent {
  zh: string;
  en: string;
  /** Variables the template may use, each with a sample value for previews. */
  variables: Record<string, string>;
}

/** Variables every event carries: the loan and the borrower's masked name. */
const COMMON = { loanId: 'LN-20260301-0001', borrowerName: '张*' };

/** Every notice the loan sends (the codes workflows/ passes to notifyBorrower). */
export const MESSAGE_EVENTS: Readonly<Record<string, MessageEvent>> = {
  LOAN_STATUS_CHANGED: {
    zh: '贷款状态变更',
    en: 'Loan status changed',
    variables: { ...COMMON, status: 'APPROVED', statusZh: '已批准', reason: '' },
  },
  DOCUMENTS_MISSING: {
    zh: '补充资料提醒',
    en: 'Documents missing',
    variables: { ...COMMON, missing: 'ID_CARD_FRONT,BANK_STATEMENT', deadline: '2026-03-08T12:00:00.000Z' },
  },
  SCHEDULE_CONFIRMED: {
    zh: '还款计划确认',
    en: 'Repayment schedule confirmed',
    variables: {
      ...COMMON,
      disbursedOn: '2026-03-01',
      firstDueDate: '2026-04-01',
      installmentCount: '12',
      sha256: 'a3f1…',
    },
  },
  REPAYMENT_REMINDER: {
    zh: '还款提醒',
    en: 'Repayment reminder',
    variables: { ...COMMON, installment: '1', dueDate: '2026-04-01', amount: '880.00', autoDebit: 'N' },
  },
  GRACE_REMINDER: {
    zh: '宽限期最后一天提醒',
    en: 'Last day of grace',
    variables: { ...COMMON, installment: '1', dueDate: '2026-04-01', graceEndsOn: '2026-04-04', amount: '880.00' },
  },
  OVERDUE_NOTICE: {
    zh: '逾期通知',
    en: 'Overdue notice',
    variables: { ...COMMON, daysPastDue: '5', amountDue: '895.20' },
  },
  OVERDUE_ESCALATED: {
    zh: '逾期升级通知',
    en: 'Overdue escalated',
    variables: { ...COMMON, daysPastDue: '31', amountDue: '1790.40' },
  },
  OVERDUE_LEGAL_NOTICE: {
    zh: '逾期法律告知',
    en: 'Overdue legal notice',
    variables: { ...COMMON, daysPastDue: '91', amountDue: '2685.60' },
  },
  REFUND_PAID: {
    zh: '退款到账',
    en: 'Refund paid',
    variables: { ...COMMON, refundId: 'rf-001', amount: '12.30', paidOn: '2026-05-02' },
  },
};

export const TEMPLATE_LIMITS = { maxBodyLength: 500, maxSubjectLength: 100 } as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a text uses, in order of first use. */
export function variablesUsed(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) if (!names.includes(match[1]!)) names.push(match[1]!);
  return names;
}

/** Problems with a template text: unknown event, empty or too long, stray braces, unknown variables. */
export function checkTemplateText(event: string, field: string, text: string, maxLength: number): FieldProblem[] {
  const declared = MESSAGE_EVENTS[event];
  if (!declared) return [problem('event', 'UNKNOWN_EVENT', `没有消息事件 ${event}`, `no message event ${event}`)];
  if (text.trim() === '') return [problem(field, 'REQUIRED', '不能为空', 'must not be empty')];
  if ([...text].length > maxLength)
    return [problem(field, 'TOO_LONG', `不能超过 ${maxLength} 个字符`, `must be at most ${maxLength} characters`)];
  if (text.replace(PLACEHOLDER, '').includes('{{') || text.replace(PLACEHOLDER, '').includes('}}'))
    return [problem(field, 'MALFORMED_PLACEHOLDER', '变量须写作 {{变量名}}', 'a variable must be written {{name}}')];
  const allowed = Object.keys(declared.variables);
  return variablesUsed(text)
    .filter((name) => !allowed.includes(name))
    .map((name) =>
      problem(
        field,
        'UNKNOWN_VARIABLE',
        `模板不能使用变量 ${name}，可用：${allowed.join(', ')}`,
        `unknown variable ${name}; the template may use: ${allowed.join(', ')}`,
      ),
    );
}

export interface TemplateText {
  body: string;
  subject: string | null;
}

/** Checks a whole edit: the body, and for EMAIL the subject (SMS has none). */
export function checkTemplate(event: string, channel: MessageChannel, t: TemplateText): Result<TemplateText> {
  const problems = checkTemplateText(event, 'body', t.body, TEMPLATE_LIMITS.maxBodyLength);
  if (problems.some((p) => p.field === 'event')) return fail(...problems);
  if (channel === 'EMAIL')
    problems.push(...checkTemplateText(event, 'subject', t.subject ?? '', TEMPLATE_LIMITS.maxSubjectLength));
  else if (t.subject !== null && t.subject !== '')
    problems.push(problem('subject', 'NOT_ALLOWED', '短信没有主题', 'an SMS has no subject'));
  return problems.length ? fail(...problems) : ok({ body: t.body, subject: channel === 'EMAIL' ? t.subject : null });
}

/** The text with each `{{name}}` replaced by its value; a variable given no value renders empty. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : ''));
}

/** A notice whose event has no template (a code newer than the catalogue) still says something true. */
export function fallbackText(event: string, values: Readonly<Record<string, string>>): string {
  return `【小额贷款】您的借款 ${values.loanId ?? ''} 有一条新通知（${event}），请登录查看。`;
}

/** The sample values of an event, overridden by those given: what a preview renders with. */
export function sampleValues(event: string, given: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...(MESSAGE_EVENTS[event]?.variables ?? {}), ...given };
}
