// Review decisions and ops resolutions over HTTP: a round takes one decision, a decision names its
// round, a request retried with the same Idempotency-Key is applied once, and the attention route
// answers only for a parked loan, as OPS.
import { describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient } from '../../drivers/api-client.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ status: number; code?: string; fields?: Array<{ field: string }> }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiCallError)) throw err;
    return {
      status: err.status,
      code: err.body?.error?.code,
      fields: err.body?.error?.fields as Array<{ field: string }> | undefined,
    };
  }
  throw new Error('expected the request to be refused');
}

describe('review decisions over HTTP', () => {
  it('takes one of two decisions sent at once, and names the round that is open', async () => {
    const { loanId, session } = await api.loanInInitialReview({ amount: '60000.00' });
    const reviewer = await api.login('initial_reviewer');
    const detail = await api.loan(reviewer.token, loanId);
    expect(detail.openReview).toMatchObject({ stage: 'INITIAL', round: 1 });

    const send = (body: Record<string, unknown>) =>
      api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: reviewer.token,
        body: { stage: 'INITIAL', round: 1, ...body },
      });
    const answers = await Promise.allSettled([
      send({ decision: 'REQUEST_DOCUMENTS', comment: '请补充收入证明', documents: ['INCOME_PROOF'] }),
      send({ decision: 'APPROVE', comment: '资料齐全' }),
    ]);
    const statuses = await Promise.all(
      answers.map(async (a) =>
        a.status === 'fulfilled' ? 200 : (await errorOf(Promise.reject(a.reason as Error))).status,
      ),
    );
    expect(statuses.sort()).toEqual([200, 409]);
    const after = await api.loan(reviewer.token, loanId);
    expect((after.reviews as unknown[]).length).toBe(1);

    // Whatever won, a decision naming round 1 is now stale or late.
    const stale = await errorOf(send({ decision: 'APPROVE', comment: '再批一次' }));
    expect(stale.status).toBe(409);
    expect(session.token).toBeTruthy();
  });

  it('applies a decision retried with the same Idempotency-Key once, and refuses a malformed key naming it', async () => {
    const { loanId } = await api.loanInInitialReview({ amount: '60000.00' });
    const reviewer = await api.login('initial_reviewer');
    const headers = { 'idempotency-key': `review-${loanId}` };
    const body = { stage: 'INITIAL', round: 1, decision: 'APPROVE', comment: '资料齐全' };
    const first = await api.call<{ reviews: unknown[] }>('POST', `/v1/loans/${loanId}/reviews`, {
      token: reviewer.token,
      body,
      headers,
    });
    const again = await api.call<{ reviews: unknown[] }>('POST', `/v1/loans/${loanId}/reviews`, {
      token: reviewer.token,
      body,
      headers,
    });
    expect(first.reviews).toHaveLength(1);
    expect(again.reviews).toHaveLength(1);
    const bad = await errorOf(
      api.call('POST', `/v1/loans/${loanId}/reviews`, {
        token: reviewer.token,
        body,
        headers: { 'idempotency-key': 'x' },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.fields?.map((f) => f.field)).toEqual(['Idempotency-Key']);
  });
});

describe('resolving a parked loan', () => {
  it('answers 409 for a loan that is not parked, and 400 naming the field for a bad body', async () => {
    const { loanId } = await api.loanInInitialReview({ amount: '60000.00' });
    const ops = await api.login('ops');
    const notParked = await errorOf(
      api.call('POST', `/v1/loans/${loanId}/attention`, {
        token: ops.token,
        body: { action: 'RETRY', reason: '重试' },
      }),
    );
    expect(notParked).toMatchObject({ status: 409, code: 'WRONG_STAGE' });
    const bad = await errorOf(
      api.call('POST', `/v1/loans/${loanId}/attention`, { token: ops.token, body: { action: 'REBOOT', reason: '' } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.fields?.map((f) => f.field).sort()).toEqual(['action', 'reason']);
  });
});
