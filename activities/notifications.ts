// Notices to the borrower by SMS through the gateway, each sent at most once per business key.
import { USER_FIELDS } from '../security/encryption-contexts.js';
import type { BorrowerNotice, NotificationActivities } from '../contracts/activities.js';
import type { ActivityDeps } from './deps.js';
import { loadLoan } from './loan-records.js';
import { enqueueWebhookEvent } from '../db/webhooks.js';

export function createNotificationActivities({ sql, cipher, notify, config }: ActivityDeps): NotificationActivities {
  return {
    async notifyBorrower(notice: BorrowerNotice): Promise<void> {
      const idempotencyKey = `loan:${notice.loanId}:notice:${notice.eventKey}`;
      const loan = await loadLoan(sql, notice.loanId);
      const [user] = await sql<
        { phone_enc: string | null }[]
      >`select phone_enc from users where id = ${loan.borrower_id}`;
      if (!user?.phone_enc) return;
      const to = cipher.decrypt(user.phone_enc, USER_FIELDS.phone);
      const sent = await notify.send(idempotencyKey, {
        channel: 'SMS',
        to,
        template: notice.template,
        params: { loanId: notice.loanId, ...notice.params },
        ...(config.PUBLIC_API_URL ? { receiptUrl: `${config.PUBLIC_API_URL}/v1/partners/notify/receipts` } : {}),
      });
      await sql.begin(async (tx) => {
        await tx`
          insert into notifications (idempotency_key, loan_id, user_id, channel, template, message_id, status)
          values (${idempotencyKey}, ${notice.loanId}, ${loan.borrower_id}, 'SMS', ${notice.template}, ${sent.messageId}, ${sent.status})
          on conflict (idempotency_key) do nothing`;
        if (notice.template === 'REPAYMENT_REMINDER')
          await enqueueWebhookEvent(tx, {
            loanId: notice.loanId,
            eventKey: `${notice.loanId}:${notice.eventKey}:installment.due`,
            type: 'installment.due',
            data: {
              installment: Number(notice.params.installment),
              dueDate: notice.params.dueDate,
              amount: notice.params.amount,
            },
            occurredAt: new Date().toISOString(),
          });
      });
    },
  };
}
