// Borrower documents as PDFs (mounted at /v1/loans): the receipt of every payment, the statement
// of any period, and PDF copies of the signed contract and of the 结清证明. Readable by the loan's
// borrower and by staff holding the permission, within their scope (loanInScope: another's loan
// answers 404). Each PDF is stored with its sha256 (api/borrower-pdfs.ts); the contract's and the
// certificate's HTML stay the signed source, and their sha256 is sent as X-Source-Sha256.
import { z } from '@hono/zod-openapi';
import {
  appliedAmounts,
  buildStatement,
  htmlToLines,
  parseStatementPeriod,
  receiptText,
  statementText,
  type BalanceMovement,
} from '../../domain/borrower-documents.js';
import { localDateOf } from '../../domain/business-time.js';
import { maskName } from '../../domain/masking.js';
import { CERTIFICATE_CONTEXT, CONTRACT_CONTEXT, USER_FIELDS } from '../../security/encryption-contexts.js';
import { newRouter, type RouteModule } from '../app.js';
import { issuePdf, latestIssued, pdfResponse, type BorrowerDocumentKind } from '../borrower-pdfs.js';
import type { ApiDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam } from '../schemas.js';
import { bilingual } from '../validation.js';

/** What the borrower owes: principal and billed interest, fees and penalties. */
const RECEIVABLE_ACCOUNTS = ['LOAN_PRINCIPAL', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'];

const ReceiptParam = LoanIdParam.extend({
  receiptFile: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,120}\.pdf$/, bilingual('须为 <paymentId>.pdf', 'must be <paymentId>.pdf'))
    .openapi({ param: { name: 'receiptFile', in: 'path' }, example: 'pay-0001.pdf' }),
});

const Receipt = z
  .object({
    paymentId: z.string(),
    channel: z.string(),
    amount: z.string(),
    receivedOn: z.string(),
    reversed: z.boolean(),
    pdfUrl: z.string(),
    issued: z
      .object({ version: z.number(), sha256: z.string() })
      .nullable()
      .openapi({ description: 'The latest PDF issued, or null before the first download' }),
  })
  .openapi('PaymentReceipt');

const pdfResponses = {
  200: {
    description: 'application/pdf; sha256 in X-Content-Sha256, stored version in X-Document-Version',
    content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
  },
  ...errorResponses,
};

const receipts = secureRoute({
  method: 'get',
  path: '/{loanId}/receipts',
  access: 'repayment:read',
  summary: '还款回单列表 / The receipts of every payment of a loan',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'Payments in the order received, reversed ones marked',
      content: { 'application/json': { schema: z.object({ items: z.array(Receipt) }) } },
    },
    ...errorResponses,
  },
});

const receipt = secureRoute({
  method: 'get',
  path: '/{loanId}/receipts/{receiptFile}',
  access: 'repayment:read',
  summary: '还款回单 PDF / The receipt of one payment (GET …/receipts/<paymentId>.pdf)',
  request: { params: ReceiptParam },
  responses: pdfResponses,
});

const statement = secureRoute({
  method: 'get',
  path: '/{loanId}/statement.pdf',
  access: 'repayment:read',
  summary: '对账单 PDF / Statement of a period: opening balance, each payment and charge, closing balance',
  request: {
    params: LoanIdParam,
    query: z.object({
      from: z.string().optional().openapi({ example: '2026-01-01' }),
      to: z.string().optional().openapi({ example: '2026-01-31' }),
    }),
  },
  responses: pdfResponses,
});

const contract = secureRoute({
  method: 'get',
  path: '/{loanId}/contract.pdf',
  access: 'contract:read',
  summary: '借款合同 PDF / The contract as a PDF (the HTML stays the signed source; its sha256 in X-Source-Sha256)',
  request: { params: LoanIdParam },
  responses: pdfResponses,
});

const certificate = secureRoute({
  method: 'get',
  path: '/{loanId}/settlement-certificate.pdf',
  access: 'repayment:read',
  summary: '结清证明 PDF / The settlement certificate as a PDF (HTML sha256 in X-Source-Sha256)',
  request: { params: LoanIdParam },
  responses: pdfResponses,
});

interface RepaymentRow {
  payment_id: string;
  channel: string;
  amount: string;
  received_on: string;
  allocation: unknown;
  reversed_at: Date | null;
}

async function repaymentsOf(deps: ApiDeps, loanId: string, paymentId?: string): Promise<RepaymentRow[]> {
  return deps.sql<RepaymentRow[]>`
    select r.payment_id, r.channel, r.amount::text as amount, to_char(r.received_on, 'YYYY-MM-DD') as received_on,
           r.allocation, pr.reversed_at
    from repayments r
    left join payment_reversals pr on pr.payment_id = r.payment_id and pr.status = 'APPROVED' and pr.reversed_at is not null
    where r.loan_id = ${loanId} ${paymentId === undefined ? deps.sql`` : deps.sql`and r.payment_id = ${paymentId}`}
    order by r.received_on, r.created_at, r.payment_id`;
}

async function maskedBorrowerName(deps: ApiDeps, borrowerId: string): Promise<string> {
  const [user] = await deps.sql<{ name_enc: string | null }[]>`select name_enc from users where id = ${borrowerId}`;
  return user?.name_enc ? maskName(deps.cipher.decrypt(user.name_enc, USER_FIELDS.name)) : '';
}

export const borrowerDocumentRoutes: RouteModule = (deps) => {
  const app = newRouter();

  const audited = async (
    c: Parameters<typeof auditRequest>[0],
    loanId: string,
    kind: BorrowerDocumentKind,
    key: string,
    issued: { sha256: string; version: number; created: boolean },
  ) =>
    auditRequest(c, deps.sql, {
      action: 'BORROWER_DOCUMENT_READ',
      result: 'SUCCESS',
      resourceType: 'borrower_document',
      resourceId: `${kind}:${key}`,
      loanId,
      detail: { kind, key, version: issued.version, sha256: issued.sha256, created: issued.created },
    });

  app.openapi(receipts, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const [rows, issued] = await Promise.all([repaymentsOf(deps, loanId), latestIssued(deps.sql, loanId, 'RECEIPT')]);
    const items = rows.map((r) => ({
      paymentId: r.payment_id,
      channel: r.channel,
      amount: r.amount,
      receivedOn: r.received_on,
      reversed: r.reversed_at !== null,
      pdfUrl: `/v1/loans/${loanId}/receipts/${encodeURIComponent(r.payment_id)}.pdf`,
      issued: issued.get(r.payment_id) ?? null,
    }));
    return c.json({ items }, 200);
  });

  app.openapi(receipt, async (c) => {
    const { loanId, receiptFile } = c.req.valid('param');
    const loan = await loanInScope(deps.sql, currentUser(c), loanId);
    const paymentId = receiptFile.slice(0, -'.pdf'.length);
    const [row] = await repaymentsOf(deps, loanId, paymentId);
    if (!row) throw ApiError.notFound({ zh: '还款记录', en: 'Payment' });
    const text = receiptText({
      companyName: deps.config.COMPANY_NAME,
      loanId,
      paymentId,
      channel: row.channel,
      amount: row.amount,
      receivedOn: row.received_on,
      borrowerName: await maskedBorrowerName(deps, loan.borrower_id),
      applied: appliedAmounts(row.allocation),
      reversedOn: row.reversed_at ? localDateOf(row.reversed_at.getTime(), deps.config.BUSINESS_TIME_ZONE) : null,
    });
    const pdf = await issuePdf(deps, { loanId, kind: 'RECEIPT', key: paymentId, text });
    await audited(c, loanId, 'RECEIPT', paymentId, pdf);
    return pdfResponse(pdf, `receipt-${paymentId}.pdf`);
  });

  app.openapi(statement, async (c) => {
    const { loanId } = c.req.valid('param');
    const query = c.req.valid('query');
    const loan = await loanInScope(deps.sql, currentUser(c), loanId);
    const period = parseStatementPeriod(query.from, query.to);
    if (!period.ok) throw ApiError.validation(period.problems);
    const movements = await deps.sql<{ effective_on: string; kind: string; change: string; reference: string }[]>`
      select to_char(e.effective_on, 'YYYY-MM-DD') as effective_on, e.kind, e.business_key as reference,
             sum(l.debit - l.credit)::numeric(14, 2)::text as change
      from journal_entries e join journal_lines l on l.entry_id = e.id
      where l.loan_id = ${loanId} and l.account in ${deps.sql(RECEIVABLE_ACCOUNTS)}
      group by e.id order by e.effective_on, e.id`;
    const moves: BalanceMovement[] = movements.map((m) => ({
      effectiveOn: m.effective_on,
      kind: m.kind,
      change: m.change,
      reference: m.reference,
    }));
    const built = buildStatement(moves, period.value.from, period.value.to);
    const text = statementText(built, {
      companyName: deps.config.COMPANY_NAME,
      loanId,
      borrowerName: await maskedBorrowerName(deps, loan.borrower_id),
    });
    const key = `${period.value.from}..${period.value.to}`;
    const pdf = await issuePdf(deps, { loanId, kind: 'STATEMENT', key, text });
    await audited(c, loanId, 'STATEMENT', key, pdf);
    return pdfResponse(pdf, `statement-${key}.pdf`, {
      'x-opening-balance': built.opening,
      'x-closing-balance': built.closing,
    });
  });

  app.openapi(contract, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const [row] = await deps.sql<{ sha256: string; html_enc: string; version: number; created_at: Date }[]>`
      select sha256, html_enc, version, created_at from contracts where loan_id = ${loanId} order by version desc limit 1`;
    if (!row) throw ApiError.notFound({ zh: '合同', en: 'Contract' });
    const html = deps.cipher.decrypt(row.html_enc, CONTRACT_CONTEXT);
    const { title, lines } = htmlToLines(html);
    const key = `v${row.version}`;
    const pdf = await issuePdf(deps, {
      loanId,
      kind: 'CONTRACT',
      key,
      text: {
        title: title || '借款合同 / Loan contract',
        lines: [...lines, '', `本 PDF 为合同 HTML 文本的副本，签署文本的 SHA-256：${row.sha256}`],
        date: localDateOf(row.created_at.getTime(), deps.config.BUSINESS_TIME_ZONE),
        subject: `contract ${loanId} ${key}`,
      },
    });
    await audited(c, loanId, 'CONTRACT', key, pdf);
    return pdfResponse(pdf, `contract-${loanId}.pdf`, { 'x-source-sha256': row.sha256 });
  });

  app.openapi(certificate, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const [row] = await deps.sql<{ sha256: string; html_enc: string; paid_off_on: string }[]>`
      select sha256, html_enc, to_char(paid_off_on, 'YYYY-MM-DD') as paid_off_on
      from settlement_certificates where loan_id = ${loanId}`;
    if (!row) throw ApiError.notFound({ zh: '结清证明', en: 'Settlement certificate' });
    const { title, lines } = htmlToLines(deps.cipher.decrypt(row.html_enc, CERTIFICATE_CONTEXT));
    const pdf = await issuePdf(deps, {
      loanId,
      kind: 'SETTLEMENT_CERTIFICATE',
      key: '-',
      text: {
        title: title || '结清证明 / Settlement certificate',
        lines: [...lines, '', `本 PDF 为结清证明 HTML 文本的副本，其 SHA-256：${row.sha256}`],
        date: row.paid_off_on,
        subject: `settlement certificate ${loanId}`,
      },
    });
    await audited(c, loanId, 'SETTLEMENT_CERTIFICATE', '-', pdf);
    return pdfResponse(pdf, `settlement-certificate-${loanId}.pdf`, { 'x-source-sha256': row.sha256 });
  });

  return app;
};
