// Messages that bypass the API, over the real stack (issue 16): a plain-JSON `review` update and a
// document signal sent with the `temporal` CLI are refused, a sealed review whose reviewer was
// changed is refused, the loan does not move and every refusal is audited; the API's own review
// still works.
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import '../setup/provided.js';
import { temporalWorkflowCommand } from './support/temporal-cli.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { connectDb } from '../../lib/db-client.js';
import { readKeyFile } from '../../security/keyring.js';
import { sealMessage } from '../../security/message-seals.js';
import { temporalDataConverter } from '../../security/payload-codec.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = connectDb(stack.databaseUrl, { max: 1, applicationName: 'message-seals-it' });
let connection: Connection;
let initialReviewer: Session;
let riskManagerId: string;

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
  initialReviewer = await api.login('initial_reviewer');
  const [rm] = await sql<
    { id: string }[]
  >`select id from users where role = 'RISK_MANAGER' order by created_at limit 1`;
  riskManagerId = rm!.id;
});
afterAll(async () => {
  await connection?.close();
  await sql.end();
});

/** `temporal workflow <command> …` against the stack's Temporal, with no codec: plain JSON. */
async function cli(command: string[], loanId: string) {
  const result = await temporalWorkflowCommand(stack, command, loanId);
  return { code: result.code, out: result.stdout + result.stderr };
}

const refusals = (loanId: string) => sql<{ result: string; detail: Record<string, string> }[]>`
  select result, detail from audit_log where loan_id = ${loanId} and action = 'workflow.message_refused' order by id`;

describe('workflow messages that bypass the API', () => {
  it('refuses a plain-JSON review and document signal from the temporal CLI and a tampered sealed review; the API review works', async () => {
    const { loanId, session } = await api.loanInInitialReview({ amount: '60000.00' });
    const approval = {
      stage: 'INITIAL',
      decision: 'APPROVE',
      comment: 'ok',
      amount: '200000.00',
      reviewer: { userId: riskManagerId, role: 'RISK_MANAGER' },
    };

    const update = await cli(['update', 'execute', '--name', 'review', '--input', JSON.stringify(approval)], loanId);
    expect(update.code).not.toBe(0);
    // The refusal's text is encrypted, like every failure; without the codec the CLI cannot read it.
    expect(update.out).not.toMatch(/AWAITING_SIGNATURE/);
    const signal = await cli(
      [
        'signal',
        '--name',
        'documentUploaded',
        '--input',
        JSON.stringify({ documentId: randomUUID(), type: 'ID_FRONT', sha256: 'f'.repeat(64) }),
      ],
      loanId,
    );
    expect(signal.code).toBe(0);

    // Sealed by the installation's key, then the reviewer changed.
    const keyring = readKeyFile(stack.dataKeyFile);
    const client = new Client({ connection, dataConverter: temporalDataConverter(keyring) });
    const sealed = sealMessage(
      keyring,
      { workflowId: loanId, message: 'review' },
      {
        ...approval,
        reviewer: { userId: randomUUID(), role: 'INITIAL_REVIEWER' },
      },
    );
    const tampered = { ...sealed, reviewer: approval.reviewer };
    await expect(
      client.workflow.getHandle(loanId).executeUpdate('review', { args: [tampered] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

    const loan = await api.call<{ status: string; reviews: unknown[] }>('GET', `/v1/loans/${loanId}`, {
      token: session.token,
    });
    expect(loan.status).toBe('INITIAL_REVIEW');
    await vi.waitFor(async () => expect(await refusals(loanId)).toHaveLength(3), { timeout: 30_000 });
    expect((await refusals(loanId)).map((r) => [r.result, r.detail.kind, r.detail.message, r.detail.reason])).toEqual([
      ['DENIED', 'update', 'review', 'UNSEALED_PAYLOAD'],
      ['DENIED', 'signal', 'documentUploaded', 'UNSEALED_PAYLOAD'],
      ['DENIED', 'update', 'review', 'BAD_SEAL'],
    ]);

    const reviewed = await api.call<{ status: string }>('POST', `/v1/loans/${loanId}/reviews`, {
      token: initialReviewer.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: '材料齐全' },
    });
    expect(reviewed.status).toBe('FINAL_REVIEW');
  });
});
