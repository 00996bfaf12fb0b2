// Activities of the servicing phase: one transaction per business event (ledger entries, the
// repayment row, the schedule and the loans projection together), auto-debits through the bank,
// the borrower's auto-debit choice, and the settlement certificate.
import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { localDateOf } from '../domain/business-time.js';
import type { PaymentChannel } from '../domain/ledger.js';
import { addMoney } from '../domain/money.js';
import { reversalKeyOf } from '../domain/payment-reversal.js';
import type { InstallmentState } from '../domain/servicing-account.js';
import type { LocalDate, Money } from '../domain/types.js';
import { isPartnerError } from '../partners/http.js';
import { CERTIFICATE_CONTEXT } from '../security/encryption-contexts.js';
import type {
  RefundDeciderCheck,
  ReversalApproval,
  ReversalInputs,
  ServicingActivities,
  ServicingChange,
  StoredRepayment,
} from '../contracts/activities.js';
import type { RepaymentResult } from '../contracts/loan-view.js';
import type { BankResult } from '../contracts/messages.js';
import type { ActivityDeps } from './deps.js';
import { classBeforeChange, moveProvision } from './provisions.js';
import { effectiveClassOf } from '../db/classification-overrides.js';
import { createLedgerActivities, loadEntry, postEntries } from './ledger.js';
import { loadApplication, loadLoan } from './loan-records.js';
import { renderSettlementCertificate } from './settlement-certificate.js';
import { storeViewFields } from './view-fields.js';

export function createServicingActivities(
  deps: ActivityDeps,
): Omit<ServicingActivities, 'issueScheduleConfirmation' | 'issueSupplementaryContract'> {
  const { sql, cipher, bank, config } = deps;
  return {
    ...createLedgerActivities(deps),

    /** The borrower's auto-debit choice; null (never chosen) means the product's default. */
    async loadAutoDebit({ loanId, productDefault }: { loanId: string; productDefault: boolean }): Promise<boolean> {
      const [row] = await sql<{ auto_debit: boolean | null }[]>`select auto_debit from loans where id = ${loanId}`;
      return row?.auto_debit ?? productDefault;
    },

    async recordServicing(change: ServicingChange): Promise<void> {
      await sql.begin(async (tx) => {
        await postEntries(tx, change.entries);
        if (change.repayment) {
          const r = change.repayment.result;
          await tx`
            insert into repayments (payment_id, loan_id, channel, amount, received_on, recorded_by, allocation, result)
            values (${r.paymentId}, ${change.loanId}, ${r.channel}, ${r.amount}, ${r.receivedOn}, ${change.repayment.recordedBy},
                    ${tx.json(r.allocation as never)}, ${tx.json({ ...r, duplicate: false } as never)})
            on conflict (payment_id) do nothing`;
        }
        if (change.reversedPaymentId)
          await tx`
            update payment_reversals set reversed_at = now()
            where payment_id = ${change.reversedPaymentId} and loan_id = ${change.loanId}
              and status = 'APPROVED' and reversed_at is null`;
        for (const i of change.installments) {
          await tx`
            insert into installments (loan_id, number, due_date, principal, interest, fee, penalty,
                                      paid_principal, paid_interest, paid_fee, paid_penalty, paid_on, updated_at)
            values (${change.loanId}, ${i.number}, ${i.dueDate}, ${i.principal}, ${i.interest}, ${i.fee},
                    ${penaltyOf(i)}, ${i.paidPrincipal}, ${i.paidInterest}, ${i.paidFee}, ${i.paidPenalty}, ${i.paidOn}, now())
            on conflict (loan_id, number) do update set
              due_date = excluded.due_date, principal = excluded.principal, interest = excluded.interest, fee = excluded.fee,
              penalty = excluded.penalty, paid_principal = excluded.paid_principal, paid_interest = excluded.paid_interest,
              paid_fee = excluded.paid_fee, paid_penalty = excluded.paid_penalty, paid_on = excluded.paid_on, updated_at = now()`;
        }
        await tx`delete from installments where loan_id = ${change.loanId} and number > ${change.installmentCount}`;
        const p = change.projection;
        const previousClass = await classBeforeChange(tx, change.loanId);
        await tx`
          update loans set
            days_past_due = ${p.daysPastDue},
            max_days_past_due = greatest(max_days_past_due, ${p.maxDaysPastDue}),
            classification = ${p.classification},
            outstanding_principal = ${p.outstandingPrincipal},
            next_due_date = ${p.nextDueDate},
            disbursed_at = coalesce(disbursed_at, now()),
            updated_at = now()
          where id = ${change.loanId}`;
        await moveProvision(tx, {
          loanId: change.loanId,
          previousClass,
          classification: await effectiveClassOf(tx, change.loanId, p.classification),
          outstandingPrincipal: p.outstandingPrincipal,
          on: changeDate(change, localDateOf(Date.now(), config.BUSINESS_TIME_ZONE)),
        });
        await storeViewFields(tx, change.loanId, change);
      });
    },

    /** A repayment accepted earlier under this paymentId (possibly in an earlier run of the workflow). */
    async findRepayment({ paymentId }: { paymentId: string }): Promise<StoredRepayment | null> {
      const [row] = await sql<
        { loan_id: string; result: RepaymentResult }[]
      >`select loan_id, result from repayments where payment_id = ${paymentId}`;
      return row ? { loanId: row.loan_id, result: row.result } : null;
    },

    /**
     * What a reversal is computed from: the loan's repayments not yet reversed, in the order they
     * were applied (each was stored by its own servicing write, in the loan's order), the payment's
     * entry, and whether the ledger already holds its reversal.
     */
    async reversalInputs({ loanId, paymentId, requestedBy, approvedBy }: ReversalApproval): Promise<ReversalInputs> {
      const [approval] = await sql<{ payment_id: string }[]>`
        select r.payment_id
        from payment_reversals r
        join users maker on maker.id::text = r.requested_by
        join users checker on checker.id::text = r.checked_by
        where r.payment_id = ${paymentId} and r.loan_id = ${loanId} and r.status = 'APPROVED'
          and r.requested_by = ${requestedBy} and r.checked_by = ${approvedBy} and r.requested_by <> r.checked_by
          and maker.role = 'FINANCE' and maker.status = 'ACTIVE'
          and checker.role = 'FINANCE' and checker.status = 'ACTIVE'`;
      if (!approval)
        return {
          applied: [],
          original: null,
          reversed: false,
          refundPayable: '0.00',
          unapproved: {
            zh: '没有与之相符的已复核冲正申请（须由两位在职财务人员提出并复核）',
            en: 'No approved reversal request matches: two different active finance users must request and approve it',
          },
        };
      const rows = await sql<{ payment_id: string; channel: PaymentChannel; amount: string; received_on: string }[]>`
        select r.payment_id, r.channel, r.amount::text as amount, r.received_on::text as received_on
        from repayments r
        where r.loan_id = ${loanId}
          and not exists (select 1 from journal_entries e where e.business_key = ${reversalKeyOf('')} || r.payment_id)
        order by r.created_at, r.payment_id`;
      const original = await loadEntry(sql, `payment:${paymentId}`);
      const reversed = (await loadEntry(sql, reversalKeyOf(paymentId))) !== null;
      const [owed] = await sql<{ balance: string }[]>`
        select coalesce(sum(credit - debit), 0)::numeric(16, 2)::text as balance
        from journal_lines where loan_id = ${loanId} and account = 'REFUND_PAYABLE'`;
      return {
        applied: rows.map((r) => ({
          paymentId: r.payment_id,
          channel: r.channel,
          amount: r.amount,
          receivedOn: r.received_on,
          externalRef: null,
        })),
        original: original && original.loanId === loanId ? original : null,
        reversed,
        refundPayable: owed!.balance,
        unapproved: null,
      };
    },

    async refundDeciderRefusal({ loanId, paymentId, deciderId, barred }: RefundDeciderCheck) {
      const [user] = await sql<{ id: string }[]>`
        select u.id::text as id from users u
        where u.id::text = ${deciderId} and u.role = 'FINANCE' and u.status = 'ACTIVE'`;
      if (!user)
        return {
          zh: '处理退款的须为在职财务人员',
          en: 'A refund is decided by an active finance user only',
        };
      const [maker] = await sql<{ recorded_by: string | null }[]>`
        select recorded_by from repayments where payment_id = ${paymentId} and loan_id = ${loanId}`;
      if (barred.includes(deciderId) || maker?.recorded_by === deciderId)
        return {
          zh: '登记该笔还款或重新发起该退款的人不能审批它',
          en: 'The user who recorded the payment or retried the refund cannot decide it',
        };
      return null;
    },

    /** Collects from the borrower's card (代扣). The key is business ids: a retry asks for the same debit. */
    async startDebit({
      loanId,
      idempotencyKey,
      amount,
    }: {
      loanId: string;
      idempotencyKey: string;
      amount: Money;
    }): Promise<BankResult | null> {
      const application = await loadApplication(sql, cipher, loanId);
      try {
        const debit = await bank.debit(idempotencyKey, {
          amount,
          fromCard: application.bankAccount.cardNumber,
          fromName: application.applicant.name,
          reference: loanId,
          ...(config.PUBLIC_API_URL ? { callbackUrl: `${config.PUBLIC_API_URL}/v1/partners/bank/callbacks` } : {}),
        });
        if (debit.status === 'PENDING') return null;
        return {
          transferId: debit.debitId,
          idempotencyKey,
          status: debit.status,
          ...(debit.failureReason ? { failureReason: debit.failureReason } : {}),
        };
      } catch (err) {
        if (isPartnerError(err) && !err.retryable)
          throw ApplicationFailure.nonRetryable(err.message, 'PartnerRejected');
        throw err;
      }
    },

    /** The bank's final answer for a debit, or null while it is pending. */
    async checkDebit({ idempotencyKey }: { idempotencyKey: string }): Promise<BankResult | null> {
      const debit = await bank.findDebitByKey(idempotencyKey);
      if (!debit || debit.status === 'PENDING') return null;
      return {
        transferId: debit.debitId,
        idempotencyKey,
        status: debit.status,
        ...(debit.failureReason ? { failureReason: debit.failureReason } : {}),
      };
    },

    /** 结清证明: rendered once, stored encrypted with the sha256 of its bytes. */
    async issueSettlementCertificate({
      loanId,
      paidOffOn,
      principal,
      totalRepaid,
    }: {
      loanId: string;
      paidOffOn: LocalDate;
      principal: Money;
      totalRepaid: Money;
    }): Promise<{ sha256: string }> {
      const [existing] = await sql<
        { sha256: string }[]
      >`select sha256 from settlement_certificates where loan_id = ${loanId}`;
      if (existing) return existing;
      const loan = await loadLoan(sql, loanId);
      const application = await loadApplication(sql, cipher, loanId);
      const html = renderSettlementCertificate({
        loanId,
        companyName: config.COMPANY_NAME,
        borrowerName: application.applicant.name,
        idNumber: application.applicant.idNumber,
        principal,
        totalRepaid,
        paidOffOn,
        appliedOn: loan.created_at.toISOString().slice(0, 10),
      });
      const sha256 = createHash('sha256').update(html, 'utf8').digest('hex');
      await sql`
        insert into settlement_certificates (loan_id, sha256, html_enc, paid_off_on)
        values (${loanId}, ${sha256}, ${cipher.encrypt(html, CERTIFICATE_CONTEXT)}, ${paidOffOn})
        on conflict (loan_id) do nothing`;
      const [stored] = await sql<
        { sha256: string }[]
      >`select sha256 from settlement_certificates where loan_id = ${loanId}`;
      return stored!;
    },
  };
}

/** The change's own date (its latest entry's), or today when it posts no entry. */
function changeDate(change: ServicingChange, today: LocalDate): LocalDate {
  return (
    change.entries.reduce<LocalDate | null>((d, e) => (d === null || e.effectiveOn > d ? e.effectiveOn : d), null) ??
    today
  );
}

function penaltyOf(i: InstallmentState): Money {
  return addMoney(i.penaltyCharged, i.lateFee);
}
