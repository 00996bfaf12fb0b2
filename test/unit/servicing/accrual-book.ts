// A loan's ledger as its workflow posts it, for unit and property tests: the servicing account's
// postings passed through daily interest accrual (domain/interest-accrual.ts), every line kept.
import { withAccrual, startAccrual, type AccrualState } from '../../../domain/interest-accrual.js';
import { balancesOf, disbursementEntry, type JournalEntry, type PostedLine } from '../../../domain/ledger.js';
import {
  applyCredit,
  applyPayment,
  writeOff,
  type AccountTerms,
  type LoanAccount,
  type PaymentInput,
  type Posting,
} from '../../../domain/servicing-account.js';
import { openAccount } from '../../../domain/servicing-account.js';
import type { LocalDate, Money } from '../../../domain/types.js';

export class AccrualBook {
  account: LoanAccount;
  accrual: AccrualState;
  readonly entries: JournalEntry[] = [];
  private payments = 0;

  constructor(terms: AccountTerms, disbursedOn: LocalDate, upfrontFee: Money = '0.00') {
    this.account = openAccount('L', terms, disbursedOn);
    this.accrual = startAccrual(this.account, disbursedOn);
    this.entries.push(
      disbursementEntry({
        loanId: 'L',
        principal: this.account.terms.principal,
        upfrontFee,
        disbursedOn,
        transferKey: 'loan:L:disbursement',
      }),
    );
  }

  private adopt(posting: Posting, today: LocalDate): void {
    const posted = withAccrual(
      { before: this.account, after: posting.account, entries: posting.entries },
      this.accrual,
      today,
    );
    this.account = posting.account;
    this.accrual = posted.state;
    this.entries.push(...posted.entries);
  }

  /** A wake-up of the workflow on `today`: charges brought up to date, credit used, accrual posted. */
  touch(today: LocalDate): void {
    this.adopt(applyCredit(this.account, today), today);
  }

  pay(
    amount: Money,
    receivedOn: LocalDate,
    today: LocalDate = receivedOn,
    channel: PaymentInput['channel'] = 'BANK_TRANSFER',
  ) {
    const posting = applyPayment(this.account, {
      paymentId: `p${++this.payments}`,
      channel,
      amount,
      receivedOn,
      externalRef: null,
    });
    this.adopt(posting, today);
    return posting;
  }

  /** Any other change of the account (a restructuring), posted as the workflow posts it. */
  apply(posting: Posting, today: LocalDate): void {
    this.adopt(posting, today);
  }

  writeOff(today: LocalDate): void {
    this.adopt(writeOff(this.account, today), today);
  }

  lines(): PostedLine[] {
    return this.entries.flatMap((e) => e.lines.map((l) => ({ ...l, loanId: e.loanId })));
  }

  balances() {
    return balancesOf(this.lines());
  }
}
