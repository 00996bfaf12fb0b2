// The inputs of the clearing-account and receivable checks (domain/clearing-reconciliation.ts,
// domain/receivable-reconciliation.ts), gathered from PostgreSQL and the gateway's settlement files:
// the ledger's movements through PAYMENT_GATEWAY, CASH_ON_HAND and BANK (entries a reversal undid
// left out, with the reversal), confirmed online payments, the counter's approved cash postings,
// and each loan's receivables as its servicing account holds them.
import type { ClearingInput } from '../domain/reconciliation.js';
import type { ClearingEntry, OtherBankEntry, PartnerLine } from '../domain/clearing-reconciliation.js';
import type { ReceivablePosition } from '../domain/receivable-reconciliation.js';
import type { Money } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import type { GatewayClient } from '../partners/gateway-client.js';

/** The gateway settles by China Standard Time days (its settlement file contract). */
export const GATEWAY_SETTLEMENT_ZONE = 'Asia/Shanghai';

/** A repayment's entry is keyed `payment:<paymentId>`; the partner knows it by the payment id. */
function partnerKeyOf(businessKey: string): string {
  return businessKey.startsWith('payment:') ? businessKey.slice('payment:'.length) : businessKey;
}

/** Every standing entry's net movement of one clearing account. */
async function clearingEntries(sql: Sql, account: 'PAYMENT_GATEWAY' | 'CASH_ON_HAND'): Promise<ClearingEntry[]> {
  const rows = await sql<{ businessKey: string; loanId: string | null; amount: Money }[]>`
    select e.business_key as "businessKey", e.loan_id as "loanId",
           sum(l.debit - l.credit)::numeric(16, 2)::text as amount
    from journal_entries e join journal_lines l on l.entry_id = e.id and l.account = ${account}
    where e.kind <> 'REVERSAL' and not exists (select 1 from journal_entries r where r.reverses_key = e.business_key)
    group by e.id order by e.id`;
  return rows.map((r) => ({ ...r, key: partnerKeyOf(r.businessKey) }));
}

/** The settlement days our online payments can fall on: the days each order was payable, and each payment's day. */
async function settlementDays(sql: Sql): Promise<string[]> {
  const rows = await sql<{ day: string }[]>`
    select distinct d::text as day from (
      select (created_at at time zone ${GATEWAY_SETTLEMENT_ZONE})::date as d from online_payments
      union select (least(expires_at, now()) at time zone ${GATEWAY_SETTLEMENT_ZONE})::date from online_payments
      union select (paid_at at time zone ${GATEWAY_SETTLEMENT_ZONE})::date from online_payments where paid_at is not null
    ) days order by 1`;
  return rows.map((r) => r.day);
}

async function gatewayInput(sql: Sql, gateway: Pick<GatewayClient, 'settlement'>): Promise<ClearingInput['gateway']> {
  const [entries, payments, days] = await Promise.all([
    clearingEntries(sql, 'PAYMENT_GATEWAY'),
    sql<{ payment_id: string; loan_id: string; status: string; confirmed_amount: Money | null }[]>`
      select payment_id, loan_id, status, confirmed_amount::text from online_payments`,
    settlementDays(sql),
  ]);
  const files = await Promise.all(days.map((day) => gateway.settlement(day)));
  return {
    days,
    entries,
    unapplied: payments
      .filter((p) => p.status === 'UNAPPLIED' && p.confirmed_amount !== null)
      .map((p) => ({
        key: p.payment_id,
        businessKey: `online-payment:${p.payment_id}`,
        loanId: p.loan_id,
        amount: p.confirmed_amount!,
      })),
    settlement: files.flat().map((l) => ({ merchantOrderId: l.merchantOrderId, orderId: l.orderId, amount: l.amount })),
    loanOfOrder: new Map(payments.map((p) => [p.payment_id, p.loan_id])),
  };
}

async function cashInput(sql: Sql): Promise<ClearingInput['cash']> {
  const [entries, postings] = await Promise.all([
    clearingEntries(sql, 'CASH_ON_HAND'),
    sql<PartnerLine[]>`
      select posted_payment_id as key, loan_id as "loanId", amount::text as amount from staff_postings
      where channel = 'CASH' and status = 'APPROVED' and posted_payment_id is not null order by made_at`,
  ]);
  return { entries, postings };
}

/** BANK lines the payout, debit, incoming and capital matches do not cover: any entry but those. */
async function otherBankEntries(sql: Sql): Promise<OtherBankEntry[]> {
  return sql<OtherBankEntry[]>`
    select e.business_key as "businessKey", e.loan_id as "loanId", e.external_ref as "externalRef",
           sum(l.debit - l.credit)::numeric(16, 2)::text as amount
    from journal_entries e
    join journal_lines l on l.entry_id = e.id and l.account = 'BANK'
    left join repayments r on e.kind = 'REPAYMENT' and e.business_key = 'payment:' || r.payment_id
    left join write_off_recoveries rec on e.kind = 'WRITE_OFF_RECOVERY' and e.business_key = rec.business_key
    where e.kind not in ('REVERSAL', 'DISBURSEMENT', 'CAPITAL')
      and not (e.kind = 'REPAYMENT' and r.channel in ('AUTO_DEBIT', 'BANK_TRANSFER'))
      and not (e.kind = 'WRITE_OFF_RECOVERY' and rec.channel = 'BANK_TRANSFER')
      and not exists (select 1 from journal_entries x where x.reverses_key = e.business_key)
    group by e.id order by e.id`;
}

/**
 * Each disbursed loan's receivables: the ledger's, and its account's: interest and fees charged and
 * unpaid as the loan's servicing view holds them (written with the postings, in their transaction),
 * penalty interest and late fees posted and unpaid per installment of the schedule. Loans whose
 * workflow never handed over a servicing view are left out. A written-off loan owes nothing.
 */
async function receivablePositions(sql: Sql): Promise<ReceivablePosition[]> {
  const rows = await sql<
    {
      loan_id: string;
      status: string;
      balances: { interest?: Money; fees?: Money } | null;
      interest: Money;
      fees: Money;
      penalty: Money;
      schedule_penalty: Money;
    }[]
  >`
    select l.id as loan_id, l.status, l.view_fields->'servicing'->'balances' as balances,
      coalesce((select sum(debit - credit) from journal_lines j where j.loan_id = l.id and j.account = 'INTEREST_RECEIVABLE'), 0)::numeric(16, 2)::text as interest,
      coalesce((select sum(debit - credit) from journal_lines j where j.loan_id = l.id and j.account = 'FEE_RECEIVABLE'), 0)::numeric(16, 2)::text as fees,
      coalesce((select sum(debit - credit) from journal_lines j where j.loan_id = l.id and j.account = 'PENALTY_RECEIVABLE'), 0)::numeric(16, 2)::text as penalty,
      coalesce((select sum(penalty - paid_penalty) from installments i where i.loan_id = l.id), 0)::numeric(16, 2)::text as schedule_penalty
    from loans l
    where l.view_fields ? 'servicing' and exists (select 1 from journal_entries e where e.loan_id = l.id and e.kind = 'DISBURSEMENT')
    order by l.id`;
  return rows
    .filter((r) => r.balances?.interest !== undefined && r.balances.fees !== undefined)
    .map((r) => {
      const writtenOff = r.status === 'WRITTEN_OFF';
      return {
        loanId: r.loan_id,
        ledger: { interest: r.interest, fees: r.fees, penalty: r.penalty },
        account: writtenOff
          ? { interest: '0.00', fees: '0.00', penalty: '0.00' }
          : { interest: r.balances!.interest!, fees: r.balances!.fees!, penalty: r.schedule_penalty },
      };
    });
}

/** Everything the clearing and receivable checks compare, read at once. */
export async function clearingInput(sql: Sql, gateway: Pick<GatewayClient, 'settlement'>): Promise<ClearingInput> {
  const [g, cash, other, receivables] = await Promise.all([
    gatewayInput(sql, gateway),
    cashInput(sql),
    otherBankEntries(sql),
    receivablePositions(sql),
  ]);
  return { gateway: g, cash, otherBankEntries: other, receivables };
}
