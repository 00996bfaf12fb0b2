// Maker-checker for the books: what happens when a checker decides a month-end close or a capital
// injection another finance user asked for. Approving closes the month, or posts the capital, in
// the transaction that marks the request approved, so a request is never approved without its
// effect nor the effect made twice. With an Idempotency-Key, the same checker's retry repeats the
// first answer; anything else on a decided request is 409.
import {
  closePeriodIn,
  findCapitalInjection,
  findClosedPeriod,
  recordCapitalInjectionIn,
  type CapitalInjection,
  type ClosedPeriod,
} from '../db/ledger-books.js';
import {
  claimLedgerRequest,
  findLedgerRequest,
  rejectLedgerRequest,
  type LedgerRequest,
} from '../db/ledger-requests.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import { ApiError } from './errors.js';
import type { RequestAuditEvent } from './middleware/audit.js';

export const NOT_YOUR_OWN_REQUEST = {
  zh: '不能复核自己提交的申请（需另一位财务人员复核）',
  en: 'You cannot check a request you made yourself; another finance user must',
};

const NOT_FOUND = { zh: '账务申请', en: 'Ledger request' };

export interface Checker {
  userId: string;
  /** The hashed Idempotency-Key the checker decides with, or null. */
  decisionKey: string | null;
}

export interface Approved {
  request: LedgerRequest;
  closed: ClosedPeriod | null;
  injection: CapitalInjection | null;
  /** True when this answer repeats an approval made earlier with the same Idempotency-Key. */
  repeated: boolean;
}

type Audit = (sql: Sql | TransactionSql, event: RequestAuditEvent) => Promise<void>;

/** Why a request the checker could not take was refused: not there, their own, or decided. */
function refusal(request: LedgerRequest | null, checker: string): ApiError {
  if (!request) return ApiError.notFound(NOT_FOUND);
  if (request.requestedBy === checker) return ApiError.forbidden(NOT_YOUR_OWN_REQUEST, 'OWN_REQUEST');
  return ApiError.conflict('ALREADY_DECIDED', {
    zh: `该申请已${request.status === 'APPROVED' ? '通过' : '驳回'}`,
    en: `The request was already ${request.status === 'APPROVED' ? 'approved' : 'rejected'}`,
  });
}

function repeats(request: LedgerRequest | null, checker: Checker, status: LedgerRequest['status']): boolean {
  return (
    request !== null &&
    checker.decisionKey !== null &&
    request.status === status &&
    request.checkedBy === checker.userId &&
    request.decisionKey === checker.decisionKey
  );
}

function subjectDetail(r: LedgerRequest): Record<string, unknown> {
  return r.kind === 'PERIOD_CLOSE'
    ? { kind: r.kind, period: r.subject }
    : { kind: r.kind, injectionId: r.subject, amount: r.capital!.amount, effectiveOn: r.capital!.effectiveOn };
}

export async function approveLedgerRequest(
  sql: Sql,
  requestId: string,
  checker: Checker,
  audit: Audit,
): Promise<Approved> {
  return sql.begin(async (tx) => {
    const claimed = await claimLedgerRequest(tx, requestId, checker.userId, checker.decisionKey);
    if (!claimed) {
      const stored = await findLedgerRequest(tx, requestId);
      if (!repeats(stored, checker, 'APPROVED')) throw refusal(stored, checker.userId);
      const r = stored!;
      return {
        request: r,
        closed: r.kind === 'PERIOD_CLOSE' ? await findClosedPeriod(tx, r.subject) : null,
        injection: r.kind === 'CAPITAL_INJECTION' ? await findCapitalInjection(tx, r.subject) : null,
        repeated: true,
      };
    }
    const who = { maker: claimed.requestedBy, checker: checker.userId, requestId };
    let closed: ClosedPeriod | null = null;
    let injection: CapitalInjection | null = null;
    if (claimed.kind === 'PERIOD_CLOSE') {
      const period = claimed.subject;
      const result = await closePeriodIn(tx, period, checker.userId, (t) =>
        audit(t, {
          action: 'LEDGER_PERIOD_CLOSED',
          result: 'SUCCESS',
          resourceType: 'ledger_period',
          resourceId: period,
          detail: who,
        }),
      );
      closed = result.period;
    } else {
      const figures = claimed.capital!;
      const result = await recordCapitalInjectionIn(
        tx,
        { injectionId: claimed.subject, ...figures, recordedBy: claimed.requestedBy },
        (t, i) =>
          audit(t, {
            action: 'CAPITAL_INJECTED',
            result: 'SUCCESS',
            resourceType: 'capital_injection',
            resourceId: i.injectionId,
            detail: { amount: i.amount, effectiveOn: i.effectiveOn, postedOn: i.postedOn, ...who },
          }),
      );
      if ('conflict' in result)
        throw ApiError.conflict('INJECTION_ID_REUSED', {
          zh: '该 injectionId 已登记了不同的金额或日期',
          en: 'This injectionId was already recorded with another amount or date',
        });
      injection = result.injection;
    }
    await audit(tx, {
      action: 'LEDGER_REQUEST_APPROVE',
      result: 'SUCCESS',
      resourceType: 'ledger_request',
      resourceId: requestId,
      detail: { ...subjectDetail(claimed), ...who },
    });
    return { request: claimed, closed, injection, repeated: false };
  });
}

export async function rejectLedgerRequestBy(
  sql: Sql,
  requestId: string,
  checker: Checker,
  reason: string,
  audit: Audit,
): Promise<LedgerRequest> {
  return sql.begin(async (tx) => {
    const rejected = await rejectLedgerRequest(tx, requestId, checker.userId, reason, checker.decisionKey);
    if (!rejected) {
      const stored = await findLedgerRequest(tx, requestId);
      if (repeats(stored, checker, 'REJECTED')) return stored!;
      throw refusal(stored, checker.userId);
    }
    await audit(tx, {
      action: 'LEDGER_REQUEST_REJECT',
      result: 'SUCCESS',
      resourceType: 'ledger_request',
      resourceId: requestId,
      detail: { ...subjectDetail(rejected), maker: rejected.requestedBy, checker: checker.userId, reason },
    });
    return rejected;
  });
}
