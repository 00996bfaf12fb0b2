// 展期 / 重组 over HTTP on the running stack: the borrower asks for an extension of their own loan,
// a forger cannot touch it, bad terms get a 400 naming the field, the borrower cannot approve, two
// approvals at once decide once, nothing changes until the borrower signs the supplementary contract
// with an SMS code, and then the loan collects on the new schedule, shown to the borrower and to staff.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import { activeLoanOverHttp } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
let risk: Session;

beforeAll(async () => {
  risk = await api.login('risk_manager');
});

interface Refusal {
  status: number;
  code?: string;
  fields?: string[];
}

async function refused(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) {
      const body = err.body as { error?: { code?: string; fields?: Array<{ field: string }> } } | null;
      return {
        status: err.status,
        ...(body?.error?.code ? { code: body.error.code } : {}),
        ...(body?.error?.fields ? { fields: body.error.fields.map((f) => f.field) } : {}),
      };
    }
    throw err;
  }
  throw new Error('expected a refusal');
}

type Json = Record<string, unknown>;
const schedule = (token: string, loanId: string) =>
  api.call<{ installments: Array<{ number: number; dueDate: string; principal: string }> }>(
    'GET',
    `/v1/loans/${loanId}/schedule`,
    { token },
  );

describe('extension over HTTP', () => {
  it('asks, approves once, signs with an SMS code and collects on the new schedule', { timeout: 400_000 }, async () => {
    const { borrower, session, loanId } = await activeLoanOverHttp(api);
    const detail = await api.loan(session.token, loanId);
    const annualRate = (detail.offer as { annualRate: string }).annualRate;
    const path = `/v1/loans/${loanId}/restructuring-requests`;
    const body = { requestId: 'ext-1', kind: 'EXTENSION', installmentCount: 8, annualRate, reason: '收入延后' };

    // A forger: another borrower does not see the loan at all.
    const other = await api.registerBorrower();
    const otherSession = await api.login(other.phone, other.password);
    expect(await refused(api.call('POST', path, { token: otherSession.token, body }))).toMatchObject({ status: 404 });
    // Bad input names the field: by the schema, and by the product's rules.
    expect(
      await refused(api.call('POST', path, { token: session.token, body: { ...body, installmentCount: 'eight' } })),
    ).toMatchObject({ status: 400, fields: ['installmentCount'] });
    expect(
      await refused(api.call('POST', path, { token: session.token, body: { ...body, installmentCount: 40 } })),
    ).toMatchObject({ status: 400, fields: ['installmentCount'] });
    expect(
      await refused(api.call('POST', path, { token: session.token, body: { ...body, annualRate: '0.0100' } })),
    ).toMatchObject({ status: 400, fields: ['annualRate'] });

    const before = await schedule(session.token, loanId);
    const asked = await api.call<Json>('POST', path, { token: session.token, body });
    expect(asked).toMatchObject({ loanId, restructuring: { status: 'PENDING_APPROVAL', kind: 'EXTENSION' } });
    // A second request while one is open: 409.
    expect(
      await refused(api.call('POST', path, { token: session.token, body: { ...body, requestId: 'ext-2' } })),
    ).toMatchObject({ status: 409 });

    // The requester cannot approve (the borrower has no authority); two approvals at once: one wins.
    const decision = `${path}/ext-1/decision`;
    const approve = { approve: true, comment: '同意展期' };
    expect(await refused(api.call('POST', decision, { token: session.token, body: approve }))).toMatchObject({
      status: 403,
    });
    const both = await Promise.allSettled([
      api.call('POST', decision, { token: risk.token, body: approve }),
      api.call('POST', decision, { token: risk.token, body: approve }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((loser.reason as ApiCallError).status).toBe(409);

    // Approved but unsigned: the schedule is unchanged.
    expect(await schedule(session.token, loanId)).toEqual(before);
    const contract = await api.fetch('GET', `/v1/loans/${loanId}/supplementary-contract`, { token: session.token });
    expect(contract.status).toBe(200);
    const html = await contract.text();
    expect(html).toContain('展期补充协议');
    const sha256 = contract.headers.get('x-contract-sha256')!;
    const view = await api.loan(session.token, loanId);
    expect((view.restructuring as { contract: { sha256: string } }).contract.sha256).toBe(sha256);
    expect(
      (await api.fetch('GET', `/v1/loans/${loanId}/supplementary-contract`, { token: otherSession.token })).status,
    ).toBe(404);

    // A signature on another hash is refused naming sha256, and changes nothing.
    const sign = `/v1/loans/${loanId}/supplementary-contract/sign`;
    const smsCode = await api.smsCode(borrower.phone, 'SIGN_CONTRACT', loanId);
    expect(
      await refused(
        api.call('POST', sign, { token: session.token, body: { requestId: 'ext-1', sha256: 'a'.repeat(64), smsCode } }),
      ),
    ).toMatchObject({ status: 400, fields: ['sha256'] });
    expect(await schedule(session.token, loanId)).toEqual(before);

    const signed = await api.call<Json>('POST', sign, {
      token: session.token,
      body: { requestId: 'ext-1', sha256, smsCode },
    });
    expect(signed).toMatchObject({ restructuring: { status: 'APPLIED' } });
    // The borrower's answer carries no staff details.
    expect(signed.restructuring).not.toHaveProperty('decidedBy');
    expect(signed.restructuring).not.toHaveProperty('comment');
    expect(JSON.stringify(signed)).not.toContain('同意展期');
    // Signing again on the session alone (the used code) is refused naming smsCode: every attempt needs a fresh code.
    expect(
      await refused(api.call('POST', sign, { token: session.token, body: { requestId: 'ext-1', sha256, smsCode } })),
    ).toMatchObject({ status: 400, fields: ['smsCode'] });
    const after = await schedule(session.token, loanId);
    expect(after.installments).toHaveLength(8);
    expect(after.installments.reduce((t, i) => t + Number(i.principal), 0).toFixed(2)).toBe('8000.00');

    // Staff and the borrower see it: the new schedule, the applied request and the EXTENDED event.
    const staff = await api.loan(risk.token, loanId);
    expect(staff.restructuring).toMatchObject({ status: 'APPLIED', plan: { outstandingPrincipal: '8000.00' } });
    expect((staff.timeline as Array<{ kind: string }>).some((e) => e.kind === 'EXTENDED')).toBe(true);
    const mine = await api.loan(session.token, loanId);
    expect(mine.restructuring).toMatchObject({ status: 'APPLIED', contract: { sha256 } });
    expect(mine.restructuring).not.toHaveProperty('decidedBy');
  });
});
