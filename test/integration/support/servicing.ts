// Helpers of the servicing integration tests: an ACTIVE loan over HTTP, and reconciliation
// findings about a given set of loans (other test files run loans on the same stack at once).
import { runReconciliation } from '../../../db/ledger-reads.js';
import { connectDb, type Sql } from '../../../lib/db-client.js';
import type { Finding } from '../../../domain/reconciliation.js';
import { createLogger } from '../../../lib/logger.js';
import { createBankClient } from '../../../partners/bank-client.js';
import { createGatewayClient } from '../../../partners/gateway-client.js';
import type { ApiClient, Borrower, Session } from '../../../drivers/api-client.js';

export async function activeLoanOverHttp(
  api: ApiClient,
  overrides: Record<string, unknown> = {},
): Promise<{ borrower: Borrower; session: Session; loanId: string }> {
  const borrower = await api.registerBorrower({ profileDigit: 1 });
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
    amount: '8000.00',
    termCount: 6,
    ...overrides,
  });
  await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 120_000);
  await api.signContract(session.token, loanId);
  await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 150_000);
  return { borrower, session, loanId };
}

export function stackDb(databaseUrl: string): Sql {
  return connectDb(databaseUrl, { max: 4, applicationName: 'servicing-tests' });
}

/**
 * Findings about these loans or payment ids (or bank keys containing them), after waiting up to
 * `timeoutMs` for callbacks to land. Given the gateway's address, the clearing accounts and the
 * loans' receivables are checked too.
 */
export async function findingsFor(
  sql: Sql,
  bankUrl: string,
  loanIds: readonly string[],
  timeoutMs = 60_000,
  gatewayUrl?: string,
): Promise<Finding[]> {
  const log = createLogger('reconcile-test', 'silent');
  const bank = createBankClient({ baseUrl: bankUrl, log, timeoutMs: 20_000 });
  const clearing = gatewayUrl
    ? { gateway: createGatewayClient({ baseUrl: gatewayUrl, log, timeoutMs: 20_000 }) }
    : undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await runReconciliation(sql, bank, new Date(), clearing);
    const mine = report.findings.filter(
      (f) =>
        f.code === 'LEDGER_UNBALANCED' ||
        (f.loanId !== null && loanIds.includes(f.loanId)) ||
        (f.ref !== null && loanIds.some((id) => f.ref!.includes(id))),
    );
    if (mine.length === 0 || Date.now() > deadline) return mine;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
