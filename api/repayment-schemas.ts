// What a repayment and a reversal answer (contracts/loan-view.ts RepaymentResult, ReversalResult),
// as the OpenAPI document describes them; the repayment routes and the finance checkers' routes
// answer them.
import { z } from '@hono/zod-openapi';
import { REAMORTIZATIONS } from '../domain/servicing-account.js';
import { Balances, LoanClassEnum, RepaymentChannelEnum } from './loan-schemas.js';
import { AmountString, Count, KeyString, LoanIdString, LoanStatusEnum, LocalDateString } from './schemas.js';

const InstallmentAllocation = z
  .object({
    number: z.number().int().min(1),
    penalty: AmountString,
    fee: AmountString,
    interest: AmountString,
    principal: AmountString,
  })
  .strict();

export const RepaymentAllocation = z
  .object({
    penalty: AmountString,
    fee: AmountString,
    interest: AmountString,
    principal: AmountString,
    toCredit: AmountString.openapi({ description: 'Kept as credit for later installments (CARRY_FORWARD)' }),
    toRefund: AmountString.openapi({ description: 'Owed back to the borrower (REFUND, or what a payoff leaves over)' }),
    prepaidPrincipal: AmountString.openapi({ description: 'Principal paid ahead of the schedule' }),
    installments: z.array(InstallmentAllocation),
    reamortized: z.enum(REAMORTIZATIONS).nullable(),
    paidOff: z.boolean(),
  })
  .strict()
  .openapi('RepaymentAllocation');

export const RepaymentResult = z
  .object({
    paymentId: KeyString,
    duplicate: z
      .boolean()
      .openapi({ description: 'True when this paymentId was taken before: the first answer, nothing changed' }),
    loanId: LoanIdString,
    channel: RepaymentChannelEnum,
    amount: AmountString,
    receivedOn: LocalDateString,
    allocation: RepaymentAllocation,
    balances: Balances,
    payoffAmount: AmountString,
    status: LoanStatusEnum,
  })
  .strict()
  .openapi('RepaymentResult');

export const ReversalResult = z
  .object({
    paymentId: KeyString,
    duplicate: z.boolean(),
    loanId: LoanIdString,
    reversedOn: LocalDateString,
    entries: z.array(KeyString).openapi({ description: 'Business keys of the ledger entries the reversal posted' }),
    balances: Balances,
    payoffAmount: AmountString,
    daysPastDue: Count,
    classification: LoanClassEnum,
    status: LoanStatusEnum,
  })
  .strict()
  .openapi('ReversalResult');

/** A payment on a written-off loan, booked as a recovery after write-off (db/write-off-recoveries.ts). */
export const WriteOffRecovery = z
  .object({
    paymentId: z.string(),
    loanId: z.string(),
    channel: z.enum(['BANK_TRANSFER', 'CASH']),
    amount: z.string().openapi({ example: '300.00' }),
    receivedOn: z.string(),
    recordedBy: z.string().openapi({ description: 'The checker who approved it, or system:bank for a bank notice' }),
    businessKey: z.string().openapi({ description: 'Its ledger entry: payment:<paymentId>, kind WRITE_OFF_RECOVERY' }),
    recordedAt: z.string(),
  })
  .openapi('WriteOffRecovery');
