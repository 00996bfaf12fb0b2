// The APR cap before any credit query, over HTTP on the whole stack: an application whose terms
// carry an APR above the product's cap is refused at once with 422 naming the APR and the cap,
// nothing is stored and the credit bureau is never asked; a product whose dearest terms breach
// the cap cannot be saved.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { defaultProductFor } from '../../domain/default-products.js';
import type { LoanProduct } from '../../domain/products.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { createLogger } from '../../lib/logger.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import '../setup/provided.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const simulator = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log: createLogger('test', 'silent') });
let sql: Sql;
let riskManager: Session;

/** A product code of this run, sorting after CREDIT_STD so applications without a code never pick it. */
const runCode = (prefix: string) => `CREDIT_${prefix}${randomUUID().slice(0, 6).toUpperCase()}`;
const legacyCode = runCode('X');

/** CREDIT_STD as it was seeded before its limits were checked: 1,000 and 3 months up, 100.00 upfront. */
function creditAsItWas(code: string): LoanProduct {
  return { ...defaultProductFor('CREDIT'), code, minAmount: '1000.00', minTerm: 3 };
}

async function refusal(promise: Promise<unknown>): Promise<ApiCallError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) return err;
    throw err;
  }
  throw new Error('expected the API to refuse');
}

beforeAll(async () => {
  sql = connectDb(stack.databaseUrl, { max: 2, applicationName: 'apr-cap-it' });
  riskManager = await api.login('risk_manager');
  // A product saved before PUT /v1/products checked its limits, as a database upgraded in place holds it.
  const legacy = creditAsItWas(legacyCode);
  await sql`insert into products (code, loan_type, definition) values (${legacy.code}, 'CREDIT', ${sql.json(legacy as never)})`;
});
afterAll(async () => {
  await sql`update products set active = false where code = ${legacyCode}`;
  await sql?.end();
});

describe('POST /v1/applications', () => {
  it('refuses 3,000 over 6 months at 27.00% APR with 422 before storing anything or asking the bureau', async () => {
    const borrower = await api.registerBorrower({ profileDigit: 1 });
    const session = await api.login(borrower.phone, borrower.password);
    const terms = { loanType: 'CREDIT', productCode: legacyCode, amount: '3000.00', termCount: 6 };

    const refused = await refusal(api.applyForLoan(session.token, borrower, { ...terms, method: 'EQUAL_INSTALLMENT' }));
    expect(refused.status).toBe(422);
    expect(refused.body?.error?.code).toBe('APR_ABOVE_CAP');
    expect(refused.body?.error?.message).toEqual({
      zh: '年化利率（APR，含费用）27.00% 超过上限 24.00%',
      en: 'APR including fees 27.00% is above the cap of 24.00%',
    });
    expect(refused.body?.error?.fields).toEqual([
      {
        field: 'amount',
        code: 'APR_ABOVE_CAP',
        message: {
          zh: '申请 3000.00 元、6 期（等额本息，按月，年利率 15.00%）的年化利率（APR，含费用）为 27.00%，超过上限 24.00%',
          en: 'The application for 3000.00 over 6 installments (Equal installments, monthly, annual rate 15.00%) carries an APR including fees of 27.00%, above the cap of 24.00%',
        },
      },
    ]);
    expect(await sql`select 1 from loans where borrower_id = ${borrower.userId}`).toHaveLength(0);
    expect(await simulator.bureauEnquiryCount(borrower.idNumber)).toBe(0);

    // The same amount and term interest first (APR 22.10%) is taken, and its assessment asks the
    // bureau: the count above would have seen a query.
    const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
      ...terms,
      method: 'INTEREST_FIRST',
    });
    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    await vi.waitFor(async () => expect(await simulator.bureauEnquiryCount(borrower.idNumber)).toBe(1), {
      timeout: 90_000,
      interval: 500,
    });
  });
});

describe('PUT /v1/products/{code}', () => {
  it('refuses limits whose dearest terms breach the cap with 422 naming the fields, the APR and the cap', async () => {
    const code = runCode('Y');
    const { code: _omitted, ...body } = creditAsItWas(code);
    const refused = await refusal(api.call('PUT', `/v1/products/${code}`, { token: riskManager.token, body }));
    expect(refused.status).toBe(422);
    expect(refused.body?.error?.code).toBe('APR_ABOVE_CAP');
    const fields = refused.body?.error?.fields as Array<{
      field: string;
      code: string;
      message: { zh: string; en: string };
    }>;
    expect(fields.map((f) => `${f.field}:${f.code}`)).toEqual(['minAmount:APR_ABOVE_CAP', 'minTerm:APR_ABOVE_CAP']);
    expect(fields[0]!.message.en).toBe(
      'The product’s minimum amount at its maximum rate, 1000.00 over 3 installments (Equal principal, monthly, annual rate 20.00%) carries an APR including fees of 87.37%, above the cap of 24.00%',
    );
    expect(refused.body?.error?.message.zh).toContain('87.37%，超过上限 24.00%');
    expect(refused.body?.error?.message.en).toContain('(minAmount, minTerm)');
    expect((await refusal(api.call('GET', `/v1/products/${code}`, { token: riskManager.token }))).status).toBe(404);
  });

  it('saves the same product with the seeded CREDIT_STD limits', async () => {
    const code = runCode('Z');
    const { code: _omitted, ...body } = { ...defaultProductFor('CREDIT'), code };
    try {
      expect(await api.call('PUT', `/v1/products/${code}`, { token: riskManager.token, body })).toEqual({
        code,
        version: 1,
        created: true,
      });
    } finally {
      await sql`update products set active = false where code = ${code}`;
    }
  });
});
