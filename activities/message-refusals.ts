// The worker's side of refused workflow messages (workflows/message-checks.ts): each refusal the
// workflow reports through its sink becomes one DENIED audit row. A workflow task that runs again
// (a worker killed before completing it) reports the same refusal again; its key (run, history
// length, message, update id) finds the row already written.
import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { MessageRefusal, MessageRefusalSinks } from '../contracts/message-checks.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import { recordAudit } from '../security/audit.js';

export const MESSAGE_REFUSED_ACTION = 'workflow.message_refused';

export function messageRefusalKey(info: Pick<WorkflowInfo, 'workflowId' | 'runId'>, refusal: MessageRefusal): string {
  return [
    info.workflowId,
    info.runId,
    refusal.historyLength,
    refusal.kind,
    refusal.message,
    refusal.updateId ?? '',
  ].join(':');
}

/** Audits one refusal unless its key is already in the audit log. */
export async function auditMessageRefusal(
  sql: Sql,
  info: Pick<WorkflowInfo, 'workflowId' | 'runId'>,
  refusal: MessageRefusal,
): Promise<void> {
  const refusalKey = messageRefusalKey(info, refusal);
  await sql.begin(async (tx) => {
    // The chain head's lock makes the check and the append one step for every writer.
    await tx`select 1 from audit_chain_head where singleton for update`;
    const [seen] = await tx`
      select 1 from audit_log
      where loan_id = ${info.workflowId} and action = ${MESSAGE_REFUSED_ACTION} and detail->>'refusalKey' = ${refusalKey}`;
    if (seen) return;
    await recordAudit(tx, {
      action: MESSAGE_REFUSED_ACTION,
      result: 'DENIED',
      actorRole: 'SYSTEM',
      resourceType: 'loan',
      resourceId: info.workflowId,
      loanId: info.workflowId,
      detail: {
        kind: refusal.kind,
        message: refusal.message,
        reason: refusal.reason,
        ...(refusal.updateId ? { updateId: refusal.updateId } : {}),
        runId: info.runId,
        refusalKey,
      },
    });
  });
}

export function messageRefusalSinks(deps: { sql: Sql; log: Logger }): InjectedSinks<MessageRefusalSinks> {
  return {
    messageRefusals: {
      refused: {
        fn: async (info, refusal) => {
          deps.log.warn(
            { loanId: info.workflowId, kind: refusal.kind, message: refusal.message, reason: refusal.reason },
            'workflow message refused',
          );
          await auditMessageRefusal(deps.sql, info, refusal).catch((err: Error) =>
            deps.log.error({ loanId: info.workflowId, err: err.message }, 'refused workflow message not audited'),
          );
        },
        callDuringReplay: false,
      },
    },
  };
}
