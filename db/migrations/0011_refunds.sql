-- Refunds paid: an overpayment or a credit left at payoff is paid back to the borrower through the
-- bank, and the payment is posted as its own entry kind (REFUND_PAYABLE → BANK).
alter table journal_entries drop constraint journal_entries_kind_check;
alter table journal_entries add constraint journal_entries_kind_check check (kind in (
  'DISBURSEMENT', 'INTEREST', 'INSTALLMENT_FEE', 'PENALTY_INTEREST', 'LATE_FEE',
  'REPAYMENT', 'CREDIT_APPLIED', 'WRITE_OFF', 'REVERSAL', 'REFUND'));
