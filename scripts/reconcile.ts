// `npm run reconcile`: runs finance's reconciliation (domain/reconciliation.ts and the clearing and
// receivable checks over the ledger, the servicing schedules, the payments, the bank's ledger, the
// gateway's settlement files and the counter's postings), records the run and the finance task of
// every finding, prints every finding with its task's owner, and exits 1 while any reconciliation
// task is open (0 when the books are clean, 2 when the run itself failed).
import { reconcileAndRecord, reconciliationTasks } from '../db/reconciliation-runs.js';
import { findingKey } from '../domain/reconciliation.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { createLogger } from '../lib/logger.js';
import { createBankClient } from '../partners/bank-client.js';
import { createGatewayClient } from '../partners/gateway-client.js';
import { localDatabaseUrl } from './database-url.js';
import { useAuditChainKey } from '../security/audit.js';
import { loadKeyring } from '../security/keyring.js';

type Config = ReturnType<typeof loadConfig>;

function partnerUrl(config: Config, name: 'BANK_URL' | 'GATEWAY_URL', path: string): string {
  const url = config[name];
  if (url) return url;
  if (config.APP_MODE !== 'local') throw new ConfigError(name, 'must be set');
  return `http://127.0.0.1:${config.SIMULATOR_PORT}/${path}`;
}

async function main(): Promise<number> {
  const config = loadConfig();
  useAuditChainKey(loadKeyring(config));
  const log = createLogger('reconcile', 'warn');
  const sql = connectDb(localDatabaseUrl(config), { max: 4, applicationName: 'microloan-reconcile' });
  try {
    const run = await reconcileAndRecord(
      sql,
      {
        bank: createBankClient({ baseUrl: partnerUrl(config, 'BANK_URL', 'bank'), log, timeoutMs: 30_000 }),
        gateway: createGatewayClient({ baseUrl: partnerUrl(config, 'GATEWAY_URL', 'gateway'), log, timeoutMs: 30_000 }),
      },
      { id: 'system:reconcile', role: 'SYSTEM' },
    );
    const { report } = run;
    const c = report.counts;
    console.log(
      `对账 / Reconciliation at ${report.checkedAt} (run ${run.runId}): ${c.entries} entries, ${c.loans} loans, ` +
        `bank ${c.bankTransfers} transfers / ${c.bankDebits} debits / ${c.bankIncoming} incoming, ` +
        `gateway ${c.settlementLines ?? 0} settlement lines over ${c.settlementDays ?? 0} days, ${c.cashPostings ?? 0} cash postings, ` +
        `${c.receivableLoans ?? 0} loans' receivables; debits ${report.totals.debits} = credits ${report.totals.credits}`,
    );
    const tasks = await reconciliationTasks(sql, { status: 'OPEN', limit: 100_000 });
    const owners = new Map(tasks.map((t) => [t.key, t.ownerName ?? 'unassigned']));
    for (const f of report.findings)
      console.log(
        `- ${f.code}${f.loanId ? ` [${f.loanId}]` : ''}: ${f.text.zh} / ${f.text.en} (task ${findingKey(f)}, owner ${owners.get(findingKey(f)) ?? 'none'})`,
      );
    console.log(
      `任务：新开 ${run.tasksOpened}，关闭 ${run.tasksClosed}，未结 ${run.tasksOpen} / tasks: ${run.tasksOpened} opened, ${run.tasksClosed} closed, ${run.tasksOpen} open`,
    );
    console.log(
      report.clean ? '账目相符 / Clean' : `发现 ${report.findings.length} 项差异 / ${report.findings.length} findings`,
    );
    return run.tasksOpen > 0 ? 1 : 0;
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
