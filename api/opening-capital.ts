// Local start-up funds the ledger's BANK account with the bank's opening balance, once, as paid-in
// capital (Dr BANK, Cr FUNDING_CAPITAL), so payouts never take BANK below zero. Production records
// its capital through POST /v1/finance/capital-injections.
import { localDateOf } from '../domain/business-time.js';
import { OPENING_BALANCE_INJECTION, findCapitalInjection, recordCapitalInjection } from '../db/ledger-books.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import type { BankClient } from '../partners/bank-client.js';
import { recordAudit } from '../security/audit.js';

export async function fundFromBankOpeningBalance(
  sql: Sql,
  bank: Pick<BankClient, 'ledger'>,
  p: { timeZone: string; now: Date; log: Logger },
): Promise<void> {
  if (await findCapitalInjection(sql, OPENING_BALANCE_INJECTION)) return;
  const { openingBalance } = await bank.ledger();
  if (!openingBalance || Number(openingBalance) <= 0) return;
  await recordCapitalInjection(
    sql,
    {
      injectionId: OPENING_BALANCE_INJECTION,
      amount: openingBalance,
      effectiveOn: localDateOf(p.now.getTime(), p.timeZone),
      reference: "the bank's opening balance",
      recordedBy: 'system',
    },
    async (tx, injection) => {
      await recordAudit(tx, {
        action: 'CAPITAL_INJECTED',
        result: 'SUCCESS',
        actorId: null,
        actorRole: 'SYSTEM',
        resourceType: 'capital_injection',
        resourceId: injection.injectionId,
        detail: { amount: injection.amount, effectiveOn: injection.effectiveOn },
      });
    },
  );
  p.log.info({ amount: openingBalance }, "BANK funded with the bank's opening balance");
}
