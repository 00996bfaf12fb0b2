// Messages the API did not seal: sent with a client that has no codec (as the temporal CLI sends
// plain JSON), sealed and then changed, sealed for another message or loan, or carrying a verdict
// made up outside the worker. Updates are refused by their validator, signals are ignored, the loan
// goes on and each refusal is audited once.
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentUploadedSignal, loanViewQuery, reviewUpdate } from '../../contracts/definitions.js';
import { MESSAGE_REFUSED_ACTION } from '../../activities/message-refusals.js';
import { sealMessage } from '../../security/message-seals.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { refusalOf, review, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';

const CONSUMER_DOCS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;

let h: WorkflowHarness;
/** No codec and no seals: what the temporal CLI or a bare SDK client sends. */
let plain: Client;
/** The codec (as /codec/encode gives anyone with a codec session) but no seals. */
let encodingOnly: Client;
beforeAll(async () => {
  h = await createWorkflowHarness();
  plain = new Client({ connection: h.env.connection, namespace: 'default' });
  encodingOnly = new Client({
    connection: h.env.connection,
    namespace: 'default',
    dataConverter: temporalDataConverter(h.keyring),
  });
});
afterAll(async () => {
  await h?.teardown();
});

async function refusals(loanId: string) {
  return h.sql<{ result: string; actor_role: string; detail: Record<string, string> }[]>`
    select result, actor_role, detail from audit_log where loan_id = ${loanId} and action = ${MESSAGE_REFUSED_ACTION} order by id`;
}

describe('messages the API did not seal', () => {
  it('ignores an unsealed signal and refuses forged and tampered reviews; the loan goes on and each refusal is audited', async () => {
    const { input } = await h.seedLoan({ amount: '60000.00', profileDigit: 2 });
    const handle = await h.start(input);
    await waitForStatus(handle, 'AWAITING_DOCUMENTS');
    const loanId = input.loanId;

    // A document signal in plain JSON: ignored, the document is not taken.
    const forged = { documentId: randomUUID(), type: 'ID_FRONT' as const, sha256: 'f'.repeat(64) };
    await plain.workflow.getHandle(loanId).signal(documentUploadedSignal, forged);
    await vi.waitFor(async () => expect((await refusals(loanId)).length).toBe(1), { timeout: 20_000 });
    expect((await handle.query(loanViewQuery)).documents).toEqual([]);

    await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    const reviewer = await h.createUser('INITIAL_REVIEWER');
    const approval = {
      stage: 'INITIAL' as const,
      decision: 'APPROVE' as const,
      comment: 'ok',
      reviewer: { userId: reviewer, role: 'INITIAL_REVIEWER' as const },
    };

    // The attack of issue 16: a plain-JSON review naming a reviewer. The refusal comes back
    // encrypted (the failure converter), which a client without the codec cannot read.
    await expect(plain.workflow.getHandle(loanId).executeUpdate(reviewUpdate, { args: [approval] })).rejects.toThrow();
    // A sealed review whose reviewer was changed after sealing.
    const insider = await h.createUser('INITIAL_REVIEWER');
    const sealed = sealMessage(h.keyring, { workflowId: loanId, message: 'review' }, approval);
    const tampered = { ...sealed, reviewer: { userId: insider, role: 'INITIAL_REVIEWER' } };
    expect(await refusalOf(encodingOnly.workflow.getHandle(loanId).executeUpdate('review', { args: [tampered] }))).toBe(
      'UNSEALED_MESSAGE',
    );
    // A genuine seal for another message name, and one for another loan.
    const forWithdraw = sealMessage(h.keyring, { workflowId: loanId, message: 'withdraw' }, approval);
    expect(
      await refusalOf(encodingOnly.workflow.getHandle(loanId).executeUpdate('review', { args: [forWithdraw] })),
    ).toBe('UNSEALED_MESSAGE');
    const forOtherLoan = sealMessage(h.keyring, { workflowId: `${loanId}-other`, message: 'review' }, approval);
    expect(
      await refusalOf(encodingOnly.workflow.getHandle(loanId).executeUpdate('review', { args: [forOtherLoan] })),
    ).toBe('UNSEALED_MESSAGE');
    // A verdict written by the sender instead of the worker.
    const madeUp = {
      ...approval,
      messageCheck: {
        sealed: true,
        workflowId: loanId,
        message: 'review',
        issuedAt: new Date().toISOString(),
        keyId: 'k1',
      },
    };
    expect(await refusalOf(encodingOnly.workflow.getHandle(loanId).executeUpdate('review', { args: [madeUp] }))).toBe(
      'UNSEALED_MESSAGE',
    );

    const held = await handle.query(loanViewQuery);
    expect(held.status).toBe('INITIAL_REVIEW');
    expect(held.reviews).toEqual([]);

    await vi.waitFor(async () => expect((await refusals(loanId)).length).toBe(6), { timeout: 20_000 });
    const rows = await refusals(loanId);
    expect(rows.map((r) => [r.detail.kind, r.detail.message, r.detail.reason])).toEqual([
      ['signal', 'documentUploaded', 'UNSEALED_PAYLOAD'],
      ['update', 'review', 'UNSEALED_PAYLOAD'],
      ['update', 'review', 'BAD_SEAL'],
      ['update', 'review', 'WRONG_MESSAGE'],
      ['update', 'review', 'WRONG_WORKFLOW'],
      ['update', 'review', 'NO_SEAL'],
    ]);
    expect(rows.every((r) => r.result === 'DENIED' && r.actor_role === 'SYSTEM')).toBe(true);

    // The API's own path still works.
    const after = await review(handle, approval);
    expect(after.status).toBe('FINAL_REVIEW');
    expect(after.reviews.map((r) => r.reviewer.userId)).toEqual([reviewer]);
    await h.capture(loanId, 'refused-messages', ['refused-message']);
  });
});

describe('a sealed update sent again', () => {
  it('runs once under its own update id, and is refused under another id or long after it was sealed', async () => {
    const { input } = await h.seedLoan({ amount: '60000.00', profileDigit: 2 });
    const handle = await h.start(input);
    await waitForStatus(handle, 'AWAITING_DOCUMENTS');
    const loanId = input.loanId;
    await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    const reviewer = await h.createUser('INITIAL_REVIEWER');
    const approval = {
      stage: 'INITIAL' as const,
      decision: 'APPROVE' as const,
      comment: 'ok',
      reviewer: { userId: reviewer, role: 'INITIAL_REVIEWER' as const },
    };
    const serverNow = new Date(await h.env.currentTimeMs());
    const updateId = `review-${randomUUID()}`;
    const sealed = sealMessage(h.keyring, { workflowId: loanId, message: 'review', updateId }, approval, serverNow);
    const send = (arg: Record<string, unknown>, id: string) =>
      encodingOnly.workflow.getHandle(loanId).executeUpdate('review', { args: [arg], updateId: id });

    // Taken from the history and sent under a new id: refused.
    expect(await refusalOf(send(sealed, `review-${randomUUID()}`))).toBe('UNSEALED_MESSAGE');
    // Sealed 16 minutes before it arrives (an update the API sends arrives within seconds): refused.
    const staleId = `review-${randomUUID()}`;
    const stale = sealMessage(
      h.keyring,
      { workflowId: loanId, message: 'review', updateId: staleId },
      approval,
      new Date(serverNow.getTime() - 16 * 60_000),
    );
    expect(await refusalOf(send(stale, staleId))).toBe('UNSEALED_MESSAGE');
    expect((await handle.query(loanViewQuery)).reviews).toEqual([]);

    // Under its own id it runs, once: sent again, Temporal answers with the first outcome.
    await send(sealed, updateId);
    await send(sealed, updateId);
    const after = await handle.query(loanViewQuery);
    expect(after.status).toBe('FINAL_REVIEW');
    expect(after.reviews).toHaveLength(1);

    await vi.waitFor(async () => expect((await refusals(loanId)).length).toBe(2), { timeout: 20_000 });
    expect((await refusals(loanId)).map((r) => [r.detail.kind, r.detail.reason])).toEqual([
      ['update', 'WRONG_UPDATE'],
      ['update', 'STALE_SEAL'],
    ]);
  });
});

describe('a refused signal on a worker that keeps no loan in memory', () => {
  let r: WorkflowHarness;
  beforeAll(async () => {
    // Every workflow task replays the loan's whole history, refused signal included.
    r = await createWorkflowHarness({ realServer: true, cacheWorkflows: false });
  });
  afterAll(async () => {
    await r?.teardown();
  });

  it('is replayed as ignored and audited once while the loan goes on', async () => {
    const { input } = await r.seedLoan({ amount: '10000.00', profileDigit: 1 });
    const handle = await r.start(input);
    await waitForStatus(handle, 'AWAITING_DOCUMENTS');
    const bare = new Client({ connection: r.env.connection, namespace: 'default' });
    await bare.workflow
      .getHandle(input.loanId)
      .signal(documentUploadedSignal, { documentId: randomUUID(), type: 'ID_FRONT', sha256: 'f'.repeat(64) });
    const audited = () => r.sql`
      select 1 from audit_log where loan_id = ${input.loanId} and action = ${MESSAGE_REFUSED_ACTION}`;
    await vi.waitFor(async () => expect(await audited()).toHaveLength(1), { timeout: 20_000 });
    await uploadDocuments(r, handle, input.borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    expect(offered.documents.map((d) => d.type).sort()).toEqual([...CONSUMER_DOCS].sort());
    expect(await audited()).toHaveLength(1);
  });
});
