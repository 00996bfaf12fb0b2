// GET /v1/loans/{loanId}/payoff over HTTP on the running stack: today's payoff asked of the loan's
// workflow, for the borrower and for staff who read servicing figures; paying it closes the loan.
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { localDateOf } from '../../domain/business-time.js';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import { payOffToday } from '../../drivers/loan-journeys.js';
import { activeLoanOverHttp } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
let finance: Session;
let ops: Session;

beforeAll(async () => {
  [finance, ops] = await Promise.all([api.login('finance'), api.login('ops')]);
});

async function refused(promise: Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) return { status: err.status, code: err.body?.error?.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('payoff quote over HTTP', () => {
  it('quotes today for the borrower and finance, refuses others, and paying it closes the loan', async () => {
    const { session, loanId } = await activeLoanOverHttp(api);
    const today = localDateOf(Date.now(), 'Asia/Shanghai');

    const quote = await api.payoff(session.token, loanId);
    expect(quote.asOf).toBe(today);
    expect(quote.rulesVersion).toBe(2);
    const b = quote.breakdown;
    expect(b.principal).toBe('8000.00');
    expect(
      new Decimal(b.principal)
        .plus(b.interest)
        .plus(b.fees)
        .plus(b.penalty)
        .plus(b.lateFees)
        .minus(b.credit)
        .toFixed(2),
    ).toBe(quote.amount);
    expect(Date.parse(quote.validUntil)).toBeGreaterThan(Date.now());
    expect(localDateOf(Date.parse(quote.validUntil) - 1, 'Asia/Shanghai')).toBe(today);

    // Staff who read servicing figures get the same quote; a role without repayment:read is
    // refused by the permission; another borrower does not see the loan at all.
    expect(await api.payoff(finance.token, loanId)).toEqual(quote);
    expect(await refused(api.payoff(ops.token, loanId))).toMatchObject({ status: 403 });
    const other = await api.registerBorrower();
    const otherSession = await api.login(other.phone, other.password);
    expect(await refused(api.payoff(otherSession.token, loanId))).toMatchObject({ status: 404 });
    expect((await api.fetch('GET', `/v1/loans/${loanId}/payoff`)).status).toBe(401);

    const paid = await payOffToday(api, session.token, loanId);
    expect(paid).toMatchObject({ status: 'PAID_OFF', toRefund: '0.00' });
    expect(paid.quote.amount).toBe(quote.amount);
    await api.waitForLoanStatus(session.token, loanId, 'PAID_OFF', 30_000);
    // Deliberately a 409, not 0.00: nothing is owed and nothing should be paid.
    expect(await refused(api.payoff(session.token, loanId))).toEqual({ status: 409, code: 'LOAN_CLOSED' });
  });

  it('refuses a quote for a loan not yet paid out', async () => {
    const borrower = await api.registerBorrower({ profileDigit: 1 });
    const session = await api.login(borrower.phone, borrower.password);
    const { loanId } = await api.applyForLoan(session.token, borrower, { amount: '3000.00', termCount: 6 });
    expect(await refused(api.payoff(session.token, loanId))).toEqual({ status: 409, code: 'WRONG_STAGE' });
  });
});
