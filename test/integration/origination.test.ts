// Each of the six loan types through the HTTP API on the running stack, to a signed contract;
// and the API's answers to retries, duplicates, bad input and the wrong people.
import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../domain/validation/business-license.js';
import type { LoanType } from '../../domain/types.js';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Borrower, type Session } from '../../drivers/api-client.js';
import { makeCardNumber, makeIdNumber, makePhone } from '../../drivers/identities.js';
import { inject } from 'vitest';

const api = new ApiClient(inject('stack').apiUrl, { simulatorUrl: inject('stack').simulatorUrl });
let initialReviewer: Session;
let finalReviewer: Session;
let riskManager: Session;

beforeAll(async () => {
  [initialReviewer, finalReviewer, riskManager] = await Promise.all([
    api.login('initial_reviewer'),
    api.login('final_reviewer'),
    api.login('risk_manager'),
  ]);
});

const licence = (() => {
  const first17 = '91330106MA2B3C4D5';
  return first17 + creditCodeCheckChar(first17);
})();

const CASES: Array<{ loanType: LoanType; amount: string; termCount: number; extra: Record<string, unknown> }> = [
  { loanType: 'PERSONAL_CONSUMER', amount: '8000.00', termCount: 12, extra: {} },
  { loanType: 'CREDIT', amount: '30000.00', termCount: 12, extra: {} },
  {
    loanType: 'INDIVIDUAL_BUSINESS',
    amount: '80000.00',
    termCount: 24,
    extra: { business: { licenseNumber: licence, industry: 'RETAIL', monthlyRevenue: '90000.00' } },
  },
  {
    loanType: 'FARMER',
    amount: '30000.00',
    termCount: 12,
    extra: {
      farm: { landAreaMu: '40.00', crops: ['水稻', '油菜'], livestock: '生猪 20 头', cooperative: '青山农业合作社' },
    },
  },
  {
    loanType: 'COLLATERAL',
    amount: '150000.00',
    termCount: 36,
    extra: {
      collateral: {
        type: 'REAL_ESTATE',
        description: '杭州市西湖区住宅一套',
        appraisedValue: '600000.00',
        existingLiens: '0.00',
      },
    },
  },
  {
    loanType: 'GUARANTEED',
    amount: '50000.00',
    termCount: 24,
    extra: {
      guarantor: {
        name: '李娜',
        idNumber: makeIdNumber({ profileDigit: 3, birthDate: '1978-06-06' }),
        phone: makePhone(),
        monthlyIncome: '25000.00',
        relationship: 'SIBLING',
      },
    },
  },
];

async function borrowerSession(profileDigit = 1): Promise<{ borrower: Borrower; session: Session }> {
  const borrower = await api.registerBorrower({ profileDigit });
  return { borrower, session: await api.login(borrower.phone, borrower.password) };
}

async function expectApiError(
  promise: Promise<unknown>,
  status: number,
): Promise<NonNullable<ApiCallError['body']>['error']> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiCallError)) throw err;
    expect(err.status).toBe(status);
    return err.body!.error!;
  }
  throw new Error(`expected HTTP ${status}`);
}

describe('six loan types to a signed contract', () => {
  it.each(CASES)('$loanType', async ({ loanType, amount, termCount, extra }) => {
    const { borrower, session } = await borrowerSession();
    const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
      loanType,
      amount,
      termCount,
      ...extra,
      applicant: { name: borrower.name, idNumber: borrower.idNumber, phone: borrower.phone, monthlyIncome: '30000.00' },
    });
    expect(loanId).toMatch(/^loan-\d{8}-[0-9a-f]{10}$/);
    const before = await api.loan(session.token, loanId);
    expect(before.requiredDocuments).toEqual(requiredDocuments);
    expect(before.missingDocuments).toEqual(requiredDocuments);

    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    const assessed = await api.waitForLoanStatus(session.token, loanId, [
      'AWAITING_SIGNATURE',
      'INITIAL_REVIEW',
      'REJECTED',
    ]);
    expect(assessed.status).not.toBe('REJECTED');
    // The assessment is the lender's: staff read it, the borrower's view leaves it out.
    expect(assessed.assessment).toBeUndefined();
    const staffView = await api.loan(riskManager.token, loanId);
    const assessment = staffView.assessment as { score: number; grade: string; factors: unknown[] };
    expect(assessment.score).toBeGreaterThan(0);
    expect(assessment.factors.length).toBeGreaterThan(3);

    if (assessed.status === 'INITIAL_REVIEW') {
      await api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: initialReviewer.token,
        body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全，合规' },
      });
      await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');
      const approver = Number(amount) > 100_000 ? riskManager : finalReviewer;
      await api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: approver.token,
        body: { stage: 'FINAL', decision: 'APPROVE', comment: '综合评估通过' },
      });
    }
    const offered = await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');
    const offer = offered.offer as { apr: string; installments: unknown[] };
    expect(offer.installments).toHaveLength(termCount);
    expect(Number(offer.apr)).toBeLessThanOrEqual(0.24);

    const contract = await api.fetch('GET', `/v1/loans/${loanId}/contract`, { token: session.token });
    expect(contract.headers.get('content-type')).toMatch(/text\/html/);
    const bytes = Buffer.from(await contract.arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(sha256).toBe((offered.contract as { sha256: string }).sha256);
    expect(bytes.toString('utf8')).toContain('年化利率');

    // Without a SIGN_CONTRACT code nothing is signed: the code is checked before anything else.
    await expectApiError(
      api.call('POST', `/v1/loans/${loanId}/contract/sign`, {
        token: session.token,
        body: { contractSha256: '0'.repeat(64), smsCode: '000000' },
      }),
      400,
    );
    const signed = await api.signContract(session.token, loanId);
    expect(['DISBURSING', 'ACTIVE']).toContain(signed.status);
    await api.waitForLoanStatus(session.token, loanId, 'ACTIVE');
  });
});

describe('applications over HTTP', () => {
  it('returns the same loan for a retried Idempotency-Key and refuses a second loan in flight', async () => {
    const { borrower, session } = await borrowerSession();
    const key = `retry-${randomUUID()}`;
    const body = {
      loanType: 'PERSONAL_CONSUMER',
      amount: '9000.00',
      termCount: 6,
      method: 'EQUAL_INSTALLMENT',
      purpose: '旅游',
      applicant: { name: borrower.name, idNumber: borrower.idNumber, phone: borrower.phone, monthlyIncome: '12000.00' },
      bankAccount: { cardNumber: makeCardNumber(), bankName: '招商银行' },
      consent: { creditQuery: true, dataProcessing: true, creditReporting: true },
    };
    const first = await api.fetch('POST', '/v1/applications', {
      token: session.token,
      body,
      headers: { 'idempotency-key': key },
    });
    const again = await api.fetch('POST', '/v1/applications', {
      token: session.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    const [a, b] = [
      (await first.json()) as { loanId: string },
      (await again.json()) as { loanId: string; replayed: boolean },
    ];
    expect(b.loanId).toBe(a.loanId);
    expect(b.replayed).toBe(true);

    const error = await expectApiError(
      api.call('POST', '/v1/applications', {
        token: session.token,
        body,
        headers: { 'idempotency-key': `other-${randomUUID()}` },
      }),
      409,
    );
    expect(error!.code).toBe('APPLICATION_IN_FLIGHT');
    expect(error!.message.zh).toContain(a.loanId);

    const withdrawn = await api.call<{ status: string }>('POST', `/v1/loans/${a.loanId}/withdraw`, {
      token: session.token,
      body: { reason: '暂不需要' },
    });
    expect(withdrawn.status).toBe('WITHDRAWN');
  });

  it('names every bad field in Chinese and English, and never answers 5xx', async () => {
    const { session } = await borrowerSession();
    const error = await expectApiError(
      api.call('POST', '/v1/applications', {
        token: session.token,
        body: {
          loanType: 'PERSONAL_CONSUMER',
          amount: '500000.00',
          termCount: 99,
          method: 'EQUAL_INSTALLMENT',
          purpose: 'x',
          applicant: { name: '王', idNumber: '110105199001010000', phone: '12345', monthlyIncome: '1000.00' },
          bankAccount: { cardNumber: '6222021234567890', bankName: '工行' },
          consent: { creditQuery: false, dataProcessing: true },
        },
      }),
      400,
    );
    const fields = (error!.fields as Array<{ field: string; message: { zh: string; en: string } }>).map((f) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'amount',
        'termCount',
        'applicant.idNumber',
        'applicant.phone',
        'bankAccount.cardNumber',
        'consent.creditQuery',
        'consent.creditReporting',
      ]),
    );
    for (const f of error!.fields as Array<{ message: { zh: string; en: string } }>) {
      expect(f.message.zh.length).toBeGreaterThan(0);
      expect(f.message.en.length).toBeGreaterThan(0);
    }
    const wrongType = await api.fetch('POST', '/v1/applications', {
      token: session.token,
      headers: { 'content-type': 'text/plain' },
      body: undefined,
    });
    expect([400, 415]).toContain(wrongType.status);
    const plain = await fetch(new URL('/v1/applications', api.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(plain.status).toBe(415);
    const malformed = await fetch(new URL('/v1/applications', api.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: '{"loanType":',
    });
    expect(malformed.status).toBe(400);
  });

  it('shows reviewers their tasks, refuses reviews from the wrong people, and hides loans outside the caller’s scope', async () => {
    const { loanId, session } = await api.loanInInitialReview({ amount: '70000.00' });
    // The inbox is a projection the workflow writes right after it announces the stage: poll it.
    type Inbox = { tasks: Array<{ loanId: string; kind: string }>; counts: Record<string, number> };
    const hasTask = (box: Inbox) => box.tasks.some((t) => t.loanId === loanId && t.kind === 'INITIAL_REVIEW');
    let inbox = await api.call<Inbox>('GET', '/v1/tasks', { token: initialReviewer.token });
    for (let i = 0; i < 100 && !hasTask(inbox); i++) {
      await new Promise((r) => setTimeout(r, 100));
      inbox = await api.call<Inbox>('GET', '/v1/tasks', { token: initialReviewer.token });
    }
    expect(hasTask(inbox)).toBe(true);
    expect(inbox.counts.INITIAL_REVIEW).toBeGreaterThan(0);

    await expectApiError(
      api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: session.token,
        body: { stage: 'INITIAL', decision: 'APPROVE', comment: '自己批' },
      }),
      403,
    );
    await expectApiError(
      api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: finalReviewer.token,
        body: { stage: 'FINAL', decision: 'APPROVE', comment: '越级' },
      }),
      404,
    );
    const stage = await expectApiError(
      api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: riskManager.token,
        body: { stage: 'FINAL', decision: 'APPROVE', comment: '阶段不对' },
      }),
      409,
    );
    expect(stage!.code).toBe('WRONG_STAGE');

    const other = await borrowerSession();
    await expectApiError(api.loan(other.session.token, loanId), 404);
    const seen = await api.loan(initialReviewer.token, loanId);
    expect((seen.applicant as { idNumber: string }).idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  });

  it('declines a blacklisted applicant at once with reasons', async () => {
    const { borrower, session } = await borrowerSession(9);
    const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, { amount: '5000.00' });
    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    const loan = await api.waitForLoanStatus(session.token, loanId, 'REJECTED');
    expect((loan.closedReason as { zh: string }).zh.length).toBeGreaterThan(0);
  });
});
