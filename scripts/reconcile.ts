// `npm run reconcile`: runs finance's reconciliation (domain/reconciliation.ts checks over the ledger,
// the servicing schedule, the payments and the bank's own ledger), prints every finding, and
// exits 1 when the books are not clean.
import { runReconciliation } from '../db/ledger-reads.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { createLogger } from '../lib/logger.js';
import { createBankClient } from '../partners/bank-client.js';
import { localDatabaseUrl } from './database-url.js';

function bankUrl(config: ReturnType<typeof loadConfig>): string {
  if (config.BANK_URL) return config.BANK_URL;
  if (config.APP_MODE !== 'local') throw new ConfigError('BANK_URL', 'must be set');
  return `http://127.0.0.1:${config.SIMULATOR_PORT}/bank`;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const log = createLogger('reconcile', 'warn');
  const sql = connectDb(localDatabaseUrl(config), { max: 4, applicationName: 'microloan-reconcile' });
  try {
    const report = await runReconciliation(sql, createBankClient({ baseUrl: bankUrl(config), log, timeoutMs: 30_000 }));
    const c = report.counts;
    console.log(
      `对账 / Reconciliation at ${report.checkedAt}: ${c.entries} entries, ${c.loans} loans, bank ${c.bankTransfers} transfers / ${c.bankDebits} debits / ${c.bankIncoming} incoming; ` +
        `debits ${report.totals.debits} = credits ${report.totals.credits}`,
    );
    for (const f of report.findings)
      console.log(`- ${f.code}${f.loanId ? ` [${f.loanId}]` : ''}: ${f.text.zh} / ${f.text.en}`);
    console.log(
      report.clean ? '账目相符 / Clean' : `发现 ${report.findings.length} 项差异 / ${report.findings.length} findings`,
    );
    return report.clean ? 0 : 1;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `reconcile failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
