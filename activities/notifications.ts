// Notices to the borrower by SMS through the gateway, each sent at most once per business key, in
// the words of the event's active message template (domain/message-templates.ts) with the
// borrower's name masked. The text is stored with the notice before it is sent, so a retried
// activity sends the same words even when the template was edited in between.
import { USER_FIELDS } from '../security/encryption-contexts.js';
import type { BorrowerNotice, NotificationActivities } from '../contracts/activities.js';
import { maskName } from '../domain/masking.js';
import { fallbackText, renderTemplate } from '../domain/message-templates.js';
import { PartnerError } from '../partners/http.js';
import type { OutgoingMessage } from '../partners/notify-client.js';
import type { ActivityDeps } from './deps.js';
import { loadLoan } from './loan-records.js';
import { enqueueWebhookEvent } from '../db/webhooks.js';
import type { Sql } from '../lib/db-client.js';

interface StoredNotice {
  body: string | null;
  message_id: string | null;
}

/** The active template's text for the event, rendered; the fallback wording when there is none. */
async function renderNotice(
  sql: Sql,
  event: string,
  values: Record<string, string>,
): Promise<{ body: string; version: number | null }> {
  const [template] = await sql<{ body: string; version: number }[]>`
    select body, version from message_template_versions where event = ${event} and channel = 'SMS' and active`;
  return template
    ? { body: renderTemplate(template.body, values), version: template.version }
    : { body: fallbackText(event, values), version: null };
}

export function createNotificationActivities({ sql, cipher, notify, config }: ActivityDeps): NotificationActivities {
  return {
    async notifyBorrower(notice: BorrowerNotice): Promise<void> {
      const idempotencyKey = `loan:${notice.loanId}:notice:${notice.eventKey}`;
      const loan = await loadLoan(sql, notice.loanId);
      const [user] = await sql<
        { phone_enc: string | null; name_enc: string | null }[]
      >`select phone_enc, name_enc from users where id = ${loan.borrower_id}`;
      if (!user?.phone_enc) return;
      const to = cipher.decrypt(user.phone_enc, USER_FIELDS.phone);
      const params = { loanId: notice.loanId, ...notice.params };
      const [earlier] = await sql<StoredNotice[]>`
        select body, message_id from notifications where idempotency_key = ${idempotencyKey}`;
      // A notice recorded before templates existed was sent, and recorded, without text.
      if (earlier && earlier.body === null && earlier.message_id !== null) return;
      let body = earlier?.body ?? null;
      if (body === null) {
        const name = user.name_enc ? maskName(cipher.decrypt(user.name_enc, USER_FIELDS.name)) : '';
        const rendered = await renderNotice(sql, notice.template, { ...params, borrowerName: name });
        await sql`
          insert into notifications (idempotency_key, loan_id, user_id, channel, template, message_id, status, body, template_version)
          values (${idempotencyKey}, ${notice.loanId}, ${loan.borrower_id}, 'SMS', ${notice.template}, null, 'PENDING',
                  ${rendered.body}, ${rendered.version})
          on conflict (idempotency_key) do nothing`;
        const [stored] = await sql<StoredNotice[]>`
          select body, message_id from notifications where idempotency_key = ${idempotencyKey}`;
        body = stored!.body ?? rendered.body;
      }
      const message: OutgoingMessage = {
        channel: 'SMS',
        to,
        template: notice.template,
        params,
        text: body,
        ...(config.PUBLIC_API_URL ? { receiptUrl: `${config.PUBLIC_API_URL}/v1/partners/notify/receipts` } : {}),
      };
      const sent = await notify.send(idempotencyKey, message).catch(async (err: unknown) => {
        // Sent by a worker from before templates (no text) that stopped before recording it: the
        // gateway holds that message under this key, so the same message, without text, is asked again.
        if (err instanceof PartnerError && err.code === 'CONFLICT') {
          const { text: _text, ...withoutText } = message;
          return notify.send(idempotencyKey, withoutText);
        }
        throw err;
      });
      await sql.begin(async (tx) => {
        await tx`
          update notifications set message_id = ${sent.messageId}, status = ${sent.status}
          where idempotency_key = ${idempotencyKey} and message_id is null`;
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
