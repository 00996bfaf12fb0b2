// `npm run credit-report [-- --date YYYY-MM-DD] [--database-url <url>]`: builds the day's credit
// report (征信报送; default yesterday's business date), writes its sealed submission file under
// DATA_DIR/credit-reporting/, sends it to the credit reference center and prints the answer. A day
// is built and sent once: running it again prints the stored submission. Run it daily after
// midnight (cron or a Temporal schedule), like reconciliation. See db/credit-reporting.ts.
// Exits 0 when every record was accepted, 1 when some were rejected (each has a RISK_MANAGER task),
// 2 when the run failed.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { runDailyCreditReport } from '../db/credit-reporting.js';
import { addDays, compareDates, isValidLocalDate } from '../domain/dates.js';
import { localDateOf } from '../domain/business-time.js';
import { connectDb } from '../lib/db-client.js';
import { createLogger } from '../lib/logger.js';
import { createCreditReportingClient } from '../partners/credit-reporting-client.js';
import { useAuditChainKey } from '../security/audit.js';
import { createFieldCipher } from '../security/field-crypto.js';
import { loadKeyring } from '../security/keyring.js';
import { localDatabaseUrl } from './database-url.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { date: { type: 'string' }, 'database-url': { type: 'string' } } });
  const config = loadConfig();
  const today = localDateOf(Date.now(), config.BUSINESS_TIME_ZONE);
  const date = values.date ?? addDays(today, -1);
  if (!isValidLocalDate(date)) throw new ConfigError('--date', 'must be a real date, YYYY-MM-DD');
  if (compareDates(date, today) > 0) throw new ConfigError('--date', `must not be after today (${today})`);
  const bureauUrl =
    config.BUREAU_URL ?? (config.APP_MODE === 'local' ? `http://127.0.0.1:${config.SIMULATOR_PORT}/bureau` : undefined);
  if (!bureauUrl) throw new ConfigError('BUREAU_URL', 'must be set');
  const keyring = loadKeyring(config);
  useAuditChainKey(keyring);
  const log = createLogger('credit-report', 'warn');
  const sql = connectDb(values['database-url'] ?? localDatabaseUrl(config), {
    max: 4,
    applicationName: 'microloan-credit-report',
  });
  try {
    const run = await runDailyCreditReport(
      {
        sql,
        cipher: createFieldCipher(keyring),
        client: createCreditReportingClient({ baseUrl: bureauUrl, log, timeoutMs: 30_000 }),
        dataDir: config.DATA_DIR,
        timeZone: config.BUSINESS_TIME_ZONE,
      },
      date,
      { id: 'system:credit-report', role: 'SYSTEM' },
    );
    console.log(
      `征信报送 / Credit report ${run.reportDate}${run.replayed ? ' (already sent)' : ''}: ${run.recordCount} record(s) in ` +
        `${config.DATA_DIR}/credit-reporting/${run.fileName} (sha256 ${run.sha256}); receipt ${run.receiptId ?? 'none'}; ` +
        `accepted ${run.accepted}, rejected ${run.rejected}`,
    );
    return run.rejected > 0 ? 1 : 0;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `credit-report failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
