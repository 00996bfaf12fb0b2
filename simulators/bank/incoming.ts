import type { Sql } from '../../lib/db-client.js';
import { enqueueCallback } from '../callbacks.js';
import { iso } from '../responses.js';

export interface IncomingRow {
  payment_id: string;
  reference: string;
  amount: string;
  received_at: Date;
}

export function incomingView(row: IncomingRow) {
  return { paymentId: row.payment_id, reference: row.reference, amount: row.amount, receivedAt: iso(row.received_at)! };
}

/** Records a borrower's payment into our account and queues the signed notification to `notifyUrl`. */
export async function receiveIncomingPayment(
  sql: Sql,
  payment: { paymentId: string; reference: string; amount: string; fromCardMasked: string | null; notifyUrl: string },
): Promise<ReturnType<typeof incomingView>> {
  return sql.begin(async (tx) => {
    const [row] = await tx<IncomingRow[]>`
      insert into bank_incoming_payments (payment_id, reference, amount, from_card_masked)
      values (${payment.paymentId}, ${payment.reference}, ${payment.amount}, ${payment.fromCardMasked})
      returning payment_id, reference, amount, received_at`;
    const view = incomingView(row!);
    await enqueueCallback(tx, { source: 'bank', subjectId: view.paymentId, url: payment.notifyUrl, body: view });
    return view;
  });
}

export async function listIncomingPayments(sql: Sql): Promise<IncomingRow[]> {
  return sql<
    IncomingRow[]
  >`select payment_id, reference, amount, received_at from bank_incoming_payments order by received_at, payment_id`;
}
