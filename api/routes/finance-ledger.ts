// The books by period (mounted at /v1/finance): the trial balance of a month, the general-ledger
// export of a date range (CSV with the chart's numeric codes), requests for month-end close and for
// capital paid into the bank account (a second finance user approves them: finance-ledger-requests.ts),
// and the loan-loss provision rates by class. Every change is audited in the transaction that makes it.
import { z } from '@hono/zod-openapi';
import { closeProblem, parsePeriodField, periodOf } from '../../domain/chart-of-accounts.js';
import { addDays, compareDates, parseLocalDateField } from '../../domain/dates.js';
import { problem, type FieldProblem } from '../../domain/errors.js';
import { localDateOf } from '../../domain/business-time.js';
import { money, parseMoneyField } from '../../domain/money.js';
import { parseProvisionRates } from '../../domain/provisions.js';
import {
  closedPeriods,
  findCapitalInjection,
  findClosedPeriod,
  generalLedger,
  periodTrialBalance,
  provisionRates,
  saveProvisionRates,
} from '../../db/ledger-books.js';
import { liveLedgerRequest, recordLedgerRequest } from '../../db/ledger-requests.js';
import { trialBalance } from '../../db/ledger-reads.js';
import { toCsv } from '../../lib/csv.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import { LOAN_CLASSES, type LoanClass } from '../../domain/types.js';
import { LedgerRequestSchema, ledgerRequestView } from '../ledger-request-view.js';

/** The longest range one general-ledger export covers, and the most lines it holds. */
const MAX_EXPORT_DAYS = 366;
const MAX_EXPORT_LINES = 500_000;

const TrialLine = z.object({
  account: z.string(),
  accountNo: z.string(),
  kind: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  opening: z.string().optional(),
  debits: z.string(),
  credits: z.string(),
  closing: z.string().optional(),
});

const trial = secureRoute({
  method: 'get',
  path: '/ledger/trial-balance',
  access: 'ledger:read',
  summary: 'Trial balance / 试算平衡表',
  description:
    'With `period=YYYY-MM`: each account’s opening balance, the month’s debits and credits and its closing balance (on the account’s normal side), ordered by chart code; the month’s debits equal its credits. Without a period: all-time debits and credits per account.',
  request: { query: z.object({ period: z.string().optional() }) },
  responses: {
    200: {
      description: 'Debits and credits per account',
      content: {
        'application/json': {
          schema: z.object({
            period: z.string().optional(),
            from: z.string().optional(),
            to: z.string().optional(),
            closed: z.boolean().optional(),
            accounts: z.array(TrialLine),
            totals: z.object({ debits: z.string(), credits: z.string() }).optional(),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

const generalLedgerCsv = secureRoute({
  method: 'get',
  path: '/ledger/general-ledger.csv',
  access: 'ledger:read',
  summary: 'General-ledger export / 总账导出',
  description: `Every journal line whose effective date is from \`from\` to \`to\` (at most ${MAX_EXPORT_DAYS} days): date, the date it was meant for when that month was closed, business key (reference), entry kind, account code and name, loan, debit, credit, the partner’s reference, memo. The debit and credit columns sum to the same amount.`,
  request: { query: z.object({ from: z.string().optional(), to: z.string().optional() }) },
  responses: { 200: { description: 'text/csv', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
});

const PeriodParam = z.object({
  period: z.string().openapi({ param: { name: 'period', in: 'path' }, example: '2026-11' }),
});
const ClosedPeriodSchema = z
  .object({ period: z.string(), closedBy: z.string(), closedAt: z.string() })
  .openapi('ClosedPeriod');

const close = secureRoute({
  method: 'post',
  path: '/periods/{period}/close',
  access: 'ledger:close',
  summary: 'Ask to close a month / 申请月末结账',
  description:
    'Asks to lock a month that has ended; a finance user other than the asker approves it (`POST /v1/finance/ledger-requests/{requestId}/approve`), and only then is it closed. Entries dated in a closed month are posted to the first day of the first open month after it, with their own date kept as `originalDate`. Asking again while the request is pending answers it (200); a closed month is 409 `PERIOD_ALREADY_CLOSED`.',
  request: { params: PeriodParam },
  responses: {
    200: { description: 'Asked for before', content: { 'application/json': { schema: LedgerRequestSchema } } },
    202: { description: 'Waiting for a checker', content: { 'application/json': { schema: LedgerRequestSchema } } },
    ...errorResponses,
  },
});

const periods = secureRoute({
  method: 'get',
  path: '/periods',
  access: 'ledger:read',
  summary: 'Closed months / 已结账期间',
  responses: {
    200: {
      description: 'Closed months, oldest first',
      content: { 'application/json': { schema: z.object({ closed: z.array(ClosedPeriodSchema) }) } },
    },
    ...errorResponses,
  },
});

const CapitalBody = z
  .object({
    injectionId: z.string().regex(/^[A-Za-z0-9:_-]{8,100}$/),
    amount: z.string(),
    effectiveOn: z.string().optional(),
    reference: z.string().min(1).max(200),
  })
  .strict()
  .openapi('CapitalInjectionRequest');
const capital = secureRoute({
  method: 'post',
  path: '/capital-injections',
  access: 'capital:record',
  summary: 'Ask to record capital paid into the bank account / 申请登记注资',
  description:
    'Once a finance user other than the asker approves it (`POST /v1/finance/ledger-requests/{requestId}/approve`): Dr BANK, Cr FUNDING_CAPITAL under `capital:<injectionId>`. The same injectionId again answers its request (200); with another amount or date, or an injectionId already recorded otherwise, it is 409.',
  request: { body: { content: { 'application/json': { schema: CapitalBody } }, required: true } },
  responses: {
    200: { description: 'Asked for before', content: { 'application/json': { schema: LedgerRequestSchema } } },
    202: { description: 'Waiting for a checker', content: { 'application/json': { schema: LedgerRequestSchema } } },
    ...errorResponses,
  },
});

/** One rate per class, a fraction from 0 to 1 with at most 4 decimals (domain/provisions.ts checks the order). */
const RatesByClass = z
  .object(
    Object.fromEntries(LOAN_CLASSES.map((c) => [c, z.string().regex(/^\d(\.\d{1,4})?$/)])) as Record<
      LoanClass,
      z.ZodString
    >,
  )
  .strict()
  .openapi('ProvisionRatesByClass');
const RatesSchema = z
  .object({ rates: RatesByClass, updatedBy: z.string().nullable().optional() })
  .strict()
  .openapi('ProvisionRates');

const getRates = secureRoute({
  method: 'get',
  path: '/provision-rates',
  access: 'provision:manage',
  summary: 'Loan-loss provision rates by class / 贷款损失准备计提比例',
  responses: {
    200: { description: 'The rate of each class', content: { 'application/json': { schema: RatesSchema } } },
    ...errorResponses,
  },
});

const putRates = secureRoute({
  method: 'put',
  path: '/provision-rates',
  access: 'provision:manage',
  summary: 'Set the provision rates / 设置计提比例',
  description:
    'Every class, each a fraction from 0 to 1 (4 decimals), never lower for a worse class. Applies to the next move of each loan’s provision.',
  request: {
    body: { content: { 'application/json': { schema: z.object({ rates: RatesByClass }).strict() } }, required: true },
  },
  responses: {
    200: { description: 'The rates now', content: { 'application/json': { schema: RatesSchema } } },
    ...errorResponses,
  },
});

function invalid(problems: FieldProblem[]): ApiError {
  return ApiError.validation(problems);
}

function injectionIdReused(): ApiError {
  return ApiError.conflict('INJECTION_ID_REUSED', {
    zh: '该 injectionId 已登记了不同的金额或日期',
    en: 'This injectionId was already recorded with another amount or date',
  });
}

function alreadyClosed(closed: { period: string; closedAt: string }): ApiError {
  return ApiError.conflict('PERIOD_ALREADY_CLOSED', {
    zh: `会计期间 ${closed.period} 已于 ${closed.closedAt} 结账`,
    en: `Period ${closed.period} was closed at ${closed.closedAt}`,
  });
}

export const financeLedgerRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const today = () => localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);

  app.openapi(trial, async (c) => {
    const { period } = c.req.valid('query');
    if (period === undefined) return c.json({ accounts: await trialBalance(deps.sql) }, 200);
    const parsed = parsePeriodField(period, 'period');
    if (!parsed.ok) throw invalid(parsed.problems);
    return c.json(await periodTrialBalance(deps.sql, parsed.value), 200);
  });

  app.openapi(generalLedgerCsv, async (c) => {
    const query = c.req.valid('query');
    const to = parseLocalDateField(query.to ?? today(), 'to');
    const from = parseLocalDateField(query.from ?? `${periodOf(to.ok ? to.value : today())}-01`, 'from');
    const problems = [...(from.ok ? [] : from.problems), ...(to.ok ? [] : to.problems)];
    if (from.ok && to.ok) {
      if (compareDates(from.value, to.value) > 0)
        problems.push(problem('from', 'FROM_AFTER_TO', '开始日期不能晚于结束日期', 'cannot be after to'));
      else if (compareDates(addDays(from.value, MAX_EXPORT_DAYS - 1), to.value) < 0)
        problems.push(
          problem(
            'to',
            'RANGE_TOO_LONG',
            `导出区间最长 ${MAX_EXPORT_DAYS} 天`,
            `the range is at most ${MAX_EXPORT_DAYS} days`,
          ),
        );
    }
    if (problems.length > 0 || !from.ok || !to.ok) throw invalid(problems);
    const lines = await generalLedger(deps.sql, from.value, to.value, MAX_EXPORT_LINES + 1);
    if (lines.length > MAX_EXPORT_LINES)
      throw invalid([
        problem(
          'to',
          'TOO_MANY_LINES',
          `区间内分录超过 ${MAX_EXPORT_LINES} 行，请缩短区间`,
          `more than ${MAX_EXPORT_LINES} lines; export a shorter range`,
        ),
      ]);
    const csv = toCsv([
      [
        'date',
        'original_date',
        'reference',
        'kind',
        'line',
        'account_code',
        'account',
        'loan_id',
        'debit',
        'credit',
        'external_ref',
        'memo',
      ],
      ...lines.map((l) => [
        l.date,
        l.originalDate,
        l.businessKey,
        l.kind,
        l.lineNo,
        l.accountNo,
        l.account,
        l.loanId,
        l.debit,
        l.credit,
        l.externalRef,
        l.memo,
      ]),
    ]);
    return new Response(csv, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="general-ledger_${from.value}_${to.value}.csv"`,
        'cache-control': 'private, no-store',
      },
    });
  });

  app.openapi(periods, async (c) => c.json({ closed: await closedPeriods(deps.sql) }, 200));

  app.openapi(close, async (c) => {
    const user = currentUser(c);
    const parsed = parsePeriodField(c.req.valid('param').period, 'period');
    if (!parsed.ok) throw invalid(parsed.problems);
    const period = parsed.value;
    const tooEarly = closeProblem(period, today());
    if (tooEarly)
      throw new ApiError(422, 'PERIOD_NOT_ENDED', tooEarly, [
        { field: 'period', code: 'PERIOD_NOT_ENDED', message: tooEarly },
      ]);
    const closed = await findClosedPeriod(deps.sql, period);
    if (closed) throw alreadyClosed(closed);
    const { created, request } = await recordLedgerRequest(
      deps.sql,
      { kind: 'PERIOD_CLOSE', subject: period, capital: null, requestedBy: user.userId },
      (tx, r) =>
        auditRequest(c, tx, {
          action: 'LEDGER_CLOSE_REQUEST',
          result: 'SUCCESS',
          resourceType: 'ledger_request',
          resourceId: r.requestId,
          detail: { period },
        }),
    );
    if (request.status === 'APPROVED') throw alreadyClosed((await findClosedPeriod(deps.sql, period))!);
    return c.json(ledgerRequestView(request, deps.now()), created ? 202 : 200);
  });

  app.openapi(capital, async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    const amount = parseMoneyField(body.amount, 'amount', { max: '100000000000.00' });
    const effectiveOn = parseLocalDateField(body.effectiveOn ?? today(), 'effectiveOn', { minYear: 1990 });
    const problems = [...(amount.ok ? [] : amount.problems), ...(effectiveOn.ok ? [] : effectiveOn.problems)];
    if (effectiveOn.ok && compareDates(effectiveOn.value, today()) > 0)
      problems.push(problem('effectiveOn', 'DATE_IN_FUTURE', '入账日期不能晚于今天', 'cannot be after today'));
    if (!amount.ok || !effectiveOn.ok || problems.length > 0) throw invalid(problems);
    const figures = { amount: amount.value, effectiveOn: effectiveOn.value, reference: body.reference };
    // An injection recorded without a request (the bank's opening balance at start-up) cannot be asked for again.
    const live = await liveLedgerRequest(deps.sql, 'CAPITAL_INJECTION', body.injectionId);
    if (!live && (await findCapitalInjection(deps.sql, body.injectionId))) throw injectionIdReused();
    const { created, request } = await recordLedgerRequest(
      deps.sql,
      { kind: 'CAPITAL_INJECTION', subject: body.injectionId, capital: figures, requestedBy: user.userId },
      (tx, r) =>
        auditRequest(c, tx, {
          action: 'CAPITAL_INJECTION_REQUEST',
          result: 'SUCCESS',
          resourceType: 'ledger_request',
          resourceId: r.requestId,
          detail: { injectionId: body.injectionId, amount: figures.amount, effectiveOn: figures.effectiveOn },
        }),
    );
    const asked = request.capital!;
    const sameFigures = money(asked.amount).eq(money(figures.amount)) && asked.effectiveOn === figures.effectiveOn;
    if (!sameFigures) throw injectionIdReused();
    return c.json(ledgerRequestView(request, deps.now()), created ? 202 : 200);
  });

  app.openapi(getRates, async (c) => c.json({ rates: { ...(await provisionRates(deps.sql)) } }, 200));

  app.openapi(putRates, async (c) => {
    const user = currentUser(c);
    const parsed = parseProvisionRates(c.req.valid('json').rates);
    if (!parsed.ok) throw invalid(parsed.problems);
    await deps.sql.begin(async (tx) => {
      await saveProvisionRates(tx, parsed.value, user.userId);
      await auditRequest(c, tx, {
        action: 'PROVISION_RATES_SET',
        result: 'SUCCESS',
        resourceType: 'provision_rates',
        resourceId: 'ALL',
        detail: { rates: parsed.value },
      });
    });
    return c.json({ rates: { ...parsed.value }, updatedBy: user.userId }, 200);
  });

  return app;
};
