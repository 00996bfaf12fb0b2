// Every read of a loan is served from PostgreSQL. Two proofs over HTTP on the running stack:
// the detail of a live loan says what its workflow says, at every stage of a loan that goes
// through both reviews, a request for more documents and changed terms, to its first repayment;
// and a paid-off loan whose workflow Temporal no longer has still answers exactly as before.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backfillLoanViews } from '../../ops/loan-view-backfill.js';
import { namespaceRetentionDays } from '../../ops/temporal-server.js';
import { readKeyFile } from '../../security/keyring.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { loanViewQuery } from '../../contracts/definitions.js';
import type { LoanView } from '../../contracts/loan-view.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { repayOnline } from '../../drivers/online-payments.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let connection: Connection;
let client: Client;
let riskManager: Session;
let initialReviewer: Session;
let finalReviewer: Session;

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection, dataConverter: temporalDataConverter(readKeyFile(stack.dataKeyFile)) });
  [riskManager, initialReviewer, finalReviewer] = await Promise.all([
    api.login('risk_manager'),
    api.login('initial_reviewer'),
    api.login('final_reviewer'),
  ]);
});

afterAll(async () => {
  await connection?.close();
  await sql.end();
});

type Json = Record<string, unknown>;

/** The fields of the workflow's view, as JSON carries them; the detail shows every one but borrowerId. */
type DocumentRef = { documentId: string; type: string; sha256: string };
const byId = (docs: DocumentRef[]) => [...docs].sort((a, b) => a.documentId.localeCompare(b.documentId));

function viewFields(view: LoanView): Json {
  const { borrowerId: _borrowerId, ...fields } = JSON.parse(JSON.stringify(view)) as LoanView;
  return { ...fields, documents: byId(fields.documents) };
}

/** The view's fields as the detail shows them (it shows an absent field as null). */
const VIEW_KEYS = [
  'loanId',
  'status',
  'loanType',
  'productCode',
  'channel',
  'requested',
  'requiredDocuments',
  'missingDocuments',
  'documentDeadline',
  'documents',
  'assessment',
  'decision',
  'reviews',
  'offer',
  'contract',
  'disbursements',
  'scheduleConfirmation',
  'servicing',
  'closedReason',
  'timeline',
  'openReview',
  'attention',
  'refunds',
  'payoutAccount',
];
function sameFieldsOf(detail: Json): Json {
  const fields = Object.fromEntries(
    VIEW_KEYS.filter((k) => detail[k] !== null && detail[k] !== undefined).map((k) => [k, detail[k]]),
  );
  // The detail splits the workflow's files into the newest of each type and those a newer upload
  // replaced (supersededDocuments); together they are the workflow's documents.
  const superseded = ((detail.supersededDocuments ?? []) as DocumentRef[]).map(({ documentId, type, sha256 }) => ({
    documentId,
    type,
    sha256,
  }));
  return { ...fields, documents: byId([...(detail.documents as DocumentRef[]), ...superseded]) };
}

/**
 * The detail of the loan equals the workflow's own view, field by field. The projection is written
 * by activities just after the workflow moves, so this waits a little for the two to meet.
 */
async function expectDetailIsTheWorkflowView(
  loanId: string,
  settled: (view: LoanView) => boolean = () => true,
): Promise<Json> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const view = await client.workflow.getHandle(loanId).query(loanViewQuery);
    const detail = await api.loan(riskManager.token, loanId);
    const fields = viewFields(view);
    const shown = sameFieldsOf(detail);
    const matches = settled(view) && JSON.stringify(sorted(shown)) === JSON.stringify(sorted(fields));
    if (matches || Date.now() > deadline) {
      expect(sorted(shown)).toEqual(sorted(fields));
      return detail;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** JSON with object keys in order (jsonb keeps its own key order). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
}

async function waitForWorkflow(loanId: string, ready: (view: LoanView) => boolean): Promise<LoanView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await client.workflow.getHandle(loanId).query(loanViewQuery);
    if (ready(view)) return view;
    if (Date.now() > deadline) throw new Error(`workflow ${loanId} did not get there: ${view.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the loan detail, from the database', () => {
  it('says what the live workflow says at every stage, both reviews, more documents and changed terms included', async () => {
    const borrower = await api.registerBorrower({ name: '周明', profileDigit: 1 });
    const session = await api.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
      amount: '30000.00',
      termCount: 12,
    });
    await expectDetailIsTheWorkflowView(loanId, (v) => v.timeline.length > 0);

    // One document of several: the workflow takes it without recording an event.
    const [first] = await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments.slice(0, 1));
    await waitForWorkflow(loanId, (v) => v.documents.some((d) => d.documentId === first!.documentId));
    const partial = await expectDetailIsTheWorkflowView(loanId);
    expect(partial.missingDocuments).toEqual(requiredDocuments.slice(1));

    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments.slice(1));
    await api.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW', 120_000);
    await api.waitForTask(initialReviewer.token, loanId, 'INITIAL_REVIEW');
    const inReview = await expectDetailIsTheWorkflowView(loanId, (v) => v.status === 'INITIAL_REVIEW');
    expect((inReview.decision as { outcome: string }).outcome).toBe('REVIEW');

    const asked = await api.call<{ status: string }>('POST', `/v1/loans/${loanId}/reviews`, {
      token: initialReviewer.token,
      body: {
        stage: 'INITIAL',
        decision: 'REQUEST_DOCUMENTS',
        comment: '请补充最新收入证明',
        documents: ['INCOME_PROOF'],
      },
    });
    expect(asked.status).toBe('AWAITING_DOCUMENTS');
    // The answer and the next read agree: the route waits for the projection.
    expect((await api.loan(session.token, loanId)).status).toBe('AWAITING_DOCUMENTS');
    const waiting = await expectDetailIsTheWorkflowView(loanId, (v) => v.status === 'AWAITING_DOCUMENTS');
    expect(waiting.missingDocuments).toEqual(['INCOME_PROOF']);
    expect(waiting.documentDeadline).toEqual(expect.any(String));

    await api.uploadRequiredDocuments(session.token, loanId, ['INCOME_PROOF']);
    await api.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW', 120_000);
    await api.waitForTask(initialReviewer.token, loanId, 'INITIAL_REVIEW');
    await api.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: initialReviewer.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全' },
    });
    await api.waitForTask(finalReviewer.token, loanId, 'FINAL_REVIEW');
    const changed = await api.call<{ status: string }>('POST', `/v1/loans/${loanId}/reviews`, {
      token: finalReviewer.token,
      body: { stage: 'FINAL', decision: 'APPROVE', comment: '调低额度后同意', amount: '25000.00', termCount: 6 },
    });
    expect(changed.status).toBe('AWAITING_SIGNATURE');
    const offered = await expectDetailIsTheWorkflowView(loanId, (v) => v.status === 'AWAITING_SIGNATURE');
    expect(offered.requested).toMatchObject({ amount: '25000.00', termCount: 6 });
    expect(offered.appliedFor).toMatchObject({ amount: '30000.00', termCount: 12 });
    expect((offered.reviews as unknown[]).length).toBe(3);
    expect((offered.contract as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);

    await api.signContract(session.token, loanId);
    await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 150_000);
    const active = await expectDetailIsTheWorkflowView(loanId, (v) => v.status === 'ACTIVE');
    expect((active.disbursements as Array<{ status: string }>).map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect((active.contract as { signedAt?: string }).signedAt).toEqual(expect.any(String));

    const paid = await repayOnline(api, session.token, loanId, {
      paymentId: `reads-${randomUUID()}`,
      amount: '500.00',
    });
    expect((paid.result as { status: string }).status).toBe('ACTIVE');
    const repaid = await expectDetailIsTheWorkflowView(loanId);
    expect(
      (repaid.servicing as { recentPayments: Array<{ amount: string }> }).recentPayments.map((p) => p.amount),
    ).toEqual(['500.00']);
  });

  it('answers exactly as before for a paid-off loan whose workflow Temporal has deleted', async () => {
    const { session, loanId } = await activeLoanOverHttp(api);
    const active = await api.loan(session.token, loanId);
    const payoff = (active.servicing as { payoffToday: string }).payoffToday;
    const paid = await repayOnline(api, session.token, loanId, { paymentId: `payoff-${randomUUID()}`, amount: payoff });
    expect((paid.result as { status: string }).status).toBe('PAID_OFF');
    await api.waitForLoanStatus(session.token, loanId, 'PAID_OFF');
    const handle = client.workflow.getHandle(loanId);
    await expect
      .poll(async () => (await handle.describe()).status.name, { timeout: 30_000, interval: 200 })
      .toBe('COMPLETED');
    await expectDetailIsTheWorkflowView(loanId);

    const reads = async () => {
      const certificate = await api.fetch('GET', `/v1/loans/${loanId}/settlement-certificate`, {
        token: session.token,
      });
      expect(certificate.status).toBe(200);
      const { loans } = await api.call<{ loans: Json[] }>('GET', '/v1/loans?limit=200', { token: session.token });
      return {
        borrowerDetail: await api.loan(session.token, loanId),
        staffDetail: await api.loan(riskManager.token, loanId),
        schedule: await api.call('GET', `/v1/loans/${loanId}/schedule`, { token: session.token }),
        repayments: await api.call('GET', `/v1/loans/${loanId}/repayments`, { token: session.token }),
        certificate: { sha256: certificate.headers.get('x-certificate-sha256'), html: await certificate.text() },
        listed: loans.find((l) => l.loanId === loanId),
      };
    };
    const before = await reads();
    expect(before.staffDetail.status).toBe('PAID_OFF');
    expect(before.listed).toMatchObject({ status: 'PAID_OFF' });
    expect(before.certificate.sha256).toMatch(/^[0-9a-f]{64}$/);

    await connection.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: loanId },
    });
    await expect
      .poll(
        async () => {
          try {
            await handle.describe();
            return 'still there';
          } catch (err) {
            return err instanceof WorkflowNotFoundError ? 'gone' : String(err);
          }
        },
        // Temporal deletes a closed execution once its close tasks are acknowledged: about half a minute on the dev server.
        { timeout: 180_000, interval: 1_000 },
      )
      .toBe('gone');
    await expect(handle.query(loanViewQuery)).rejects.toThrow();

    expect(await reads()).toEqual(before);
  }, 360_000);

  it('fills the fields of a loan whose workflow ran before they were projected, from its workflow', async () => {
    const { loanId } = await activeLoanOverHttp(api);
    await expectDetailIsTheWorkflowView(loanId, (v) => v.status === 'ACTIVE');
    await sql`update loans set view_fields = '{}', view_field_stamps = '{}' where id = ${loanId}`;
    const bare = await api.loan(riskManager.token, loanId);
    expect([bare.reviews, bare.disbursements, bare.servicing]).toEqual([[], [], null]);

    expect(await backfillLoanViews(sql, client, [loanId, 'loan-20000101-0000000000'])).toEqual({
      filled: [loanId],
      gone: ['loan-20000101-0000000000'],
    });
    const filled = await expectDetailIsTheWorkflowView(loanId);
    expect((filled.disbursements as unknown[]).length).toBe(1);
  });

  it('keeps closed workflows for the retention the stack was set to', async () => {
    expect(await namespaceRetentionDays(stack.temporalAddress, 'default')).toBe(30);
  });
});
