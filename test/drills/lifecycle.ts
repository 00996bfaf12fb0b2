// One borrower's whole loan for a drill, written as a patient client: apply, documents, sign,
// disbursement, a partial online repayment ordered twice (a client retry) and paid on the gateway's
// page until its confirmation is applied, then the payoff as an
// incoming bank transfer, to PAID_OFF. Steps that meet a 503 or a dropped connection are tried
// again until the deadline, each with the same key, as a real client would.
import { randomUUID } from 'node:crypto';
import { ApiCallError, type Session } from '../../drivers/api-client.js';
import type { Applicant } from '../../drivers/identities.js';
import { payOnHostedPage, waitForOnlinePayment } from '../../drivers/online-payments.js';
import { applicationBody, sign, uploadDocuments } from '../../drivers/origination.js';
import type { DrillStack } from './harness.js';

export type Expected = 'PAID_OFF' | 'DISBURSEMENT_FAILED';

export interface Outcome {
  loanId: string;
  expected: Expected;
  /** Payment ids this client made (each once, however often it was sent). */
  payments: string[];
}

const PARTIAL = '500.00';

function transient(err: unknown): boolean {
  if (err instanceof ApiCallError) return err.status === 503 || err.status === 502 || err.status === 504;
  return (
    err instanceof TypeError ||
    (err instanceof Error && /fetch failed|ECONNRESET|ECONNREFUSED|socket|timeout|aborted/i.test(err.message))
  );
}

async function patiently<T>(deadline: number, step: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (!transient(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function register(d: DrillStack, person: Applicant, deadline: number): Promise<Session> {
  await patiently(deadline, async () => {
    try {
      // A REGISTER code to the phone; a retry within the resend minute uses the code already sent.
      await d.api.requestSmsCode(person.phone, 'REGISTER').catch((err: unknown) => {
        if (!(err instanceof ApiCallError && err.status === 429)) throw err;
      });
      const smsCode = await d.api.latestSmsCode(person.phone, 'REGISTER');
      await d.api.call('POST', '/v1/auth/register', {
        body: { phone: person.phone, password: person.password, name: person.name, idNumber: person.idNumber, smsCode },
      });
    } catch (err) {
      // A retry after an answer that was lost: the first attempt registered them.
      if (!(err instanceof ApiCallError && err.status === 409)) throw err;
    }
  });
  return patiently(deadline, () => d.api.login(person.phone, person.password));
}

/**
 * What closes the loan today, asked of its workflow (GET /v1/loans/{id}/payoff). The loan reports
 * ACTIVE a moment before servicing answers; until then the quote is refused (409 WRONG_STAGE).
 */
async function payoffAmount(d: DrillStack, token: string, loanId: string, deadline: number): Promise<string> {
  for (;;) {
    try {
      return (await patiently(deadline, () => d.api.payoff(token, loanId))).amount;
    } catch (err) {
      const notYet = err instanceof ApiCallError && err.status === 409 && err.body?.error?.code === 'WRONG_STAGE';
      if (!notYet || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The bank's ledger as the drill sees it; the bank's injected faults apply to this read too, so it is retried. */
async function bankLedger(d: DrillStack, deadline: number) {
  for (;;) {
    try {
      return await d.bank.ledger();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** The borrower pays the rest into our bank account; never sent twice, even when the answer is lost. */
async function payByBankTransfer(d: DrillStack, loanId: string, amount: string, deadline: number): Promise<string> {
  for (;;) {
    const already = (await bankLedger(d, deadline)).incoming.find((p) => p.reference === loanId);
    if (already) return already.paymentId;
    try {
      const notice = await d.admin.simulateIncomingPayment({
        reference: loanId,
        amount,
        notifyUrl: `${d.stack.apiUrl}/v1/partners/bank/incoming`,
      });
      return notice.paymentId;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Signs, and after an answer that did not come, looks before signing again: the signature may
 * have been taken (the update waits for the payout to start), and each resend would leave one
 * more update waiting on the workflow.
 */
async function signOnce(d: DrillStack, token: string, loanId: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await sign(d.api, token, loanId);
      return;
    } catch (err) {
      if (err instanceof ApiCallError && err.status === 409) return; // signed by an earlier attempt
      if (!transient(err) || Date.now() > deadline) throw err;
    }
    const moved = await d.watcher
      .waitFor(loanId, ['DISBURSING', 'ACTIVE', 'DISBURSEMENT_FAILED'], 20_000)
      .catch(() => null);
    if (moved) return;
  }
}

/** What a loan that did not reach its end shows: for the failing drill's message. */
async function whereItStands(
  d: DrillStack,
  token: string,
  loanId: string,
  sent: Record<string, string>,
): Promise<string> {
  const read = async (what: string, f: () => Promise<unknown>) =>
    `${what}: ${await f().then(
      (v) => JSON.stringify(v),
      (e: Error) => `unreadable (${e.message})`,
    )}`;
  return [
    `sent: ${JSON.stringify(sent)}`,
    await read('loan', async () => {
      const loan = await d.api.loan(token, loanId);
      return {
        status: loan.status,
        servicing: loan.servicing,
        timeline: (loan.timeline as unknown[] | undefined)?.slice(-5),
      };
    }),
    await read('repayments', () => d.api.call('GET', `/v1/loans/${loanId}/repayments`, { token })),
    await read('bank incoming', async () => (await d.bank.ledger()).incoming.filter((p) => p.reference === loanId)),
  ].join('\n');
}

export async function runLifecycle(
  d: DrillStack,
  person: Applicant,
  expected: Expected,
  timeoutMs: number,
): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  const waitFor = (loanId: string, statuses: string[]) =>
    d.watcher.waitFor(loanId, statuses, Math.max(1, deadline - Date.now()));
  const session = await register(d, person, deadline);
  const key = `drill-${randomUUID()}`;
  const { loanId, requiredDocuments } = await patiently(deadline, () =>
    d.api.call<{ loanId: string; requiredDocuments: string[] }>('POST', '/v1/applications', {
      token: session.token,
      body: applicationBody(person, '10000.00', 6),
      headers: { 'idempotency-key': key },
    }),
  );
  await patiently(deadline, async () => {
    const loan = await d.api.loan(session.token, loanId);
    const missing = (loan.missingDocuments as string[] | undefined) ?? requiredDocuments;
    await uploadDocuments(d.api, session.token, loanId, missing);
  });
  const decided = await waitFor(loanId, ['AWAITING_SIGNATURE', 'INITIAL_REVIEW', 'REJECTED']);
  if (decided !== 'AWAITING_SIGNATURE') throw new Error(`loan ${loanId} was not auto-approved: ${decided}`);
  await signOnce(d, session.token, loanId, deadline);
  const paidOut = await waitFor(loanId, ['ACTIVE', 'DISBURSEMENT_FAILED']);
  if (expected === 'DISBURSEMENT_FAILED' || paidOut === 'DISBURSEMENT_FAILED')
    return { loanId, expected, payments: [] };

  await payoffAmount(d, session.token, loanId, deadline);
  const online = `drill-${loanId}-online`;
  const order = () =>
    d.api.call<{ payUrl?: string }>('POST', `/v1/loans/${loanId}/repayments`, {
      token: session.token,
      body: { paymentId: online, amount: PARTIAL, channel: 'ONLINE' },
    });
  await patiently(deadline, order);
  const { payUrl } = await patiently(deadline, order);
  await patiently(deadline, async () => {
    const paid = await payOnHostedPage(payUrl!);
    // The gateway keeps its orders in the same PostgreSQL: while it restarts the pay page answers 503.
    if (paid.status !== 200) throw new ApiCallError(paid.status, paid.body, 'the gateway pay page');
  });
  await patiently(deadline, () =>
    waitForOnlinePayment(d.api, session.token, loanId, online, ['APPLIED'], Math.max(1, deadline - Date.now())),
  );
  const payoff = await payoffAmount(d, session.token, loanId, deadline);
  const incoming = await payByBankTransfer(d, loanId, payoff, deadline);
  await waitFor(loanId, ['PAID_OFF']).catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await whereItStands(d, session.token, loanId, { payoff, online, incoming })}`);
  });
  return { loanId, expected, payments: [online, incoming] };
}
