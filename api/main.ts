// Production entry point of the API: connects to PostgreSQL and Temporal and serves HTTP(S).
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { migrate } from '../db/migrate.js';
import { seedDefaultProducts } from '../db/products.js';
import { createLogger } from '../lib/logger.js';
import { exitWhenParentDies } from '../lib/managed-process.js';
import { isPortFree } from '../lib/ports.js';
import {
  auditCheckpointDir,
  auditCheckpointKey,
  scheduleAuditCheckpoints,
  writeAuditAnchor,
  writeAuditCheckpoint,
} from '../security/audit-checkpoints.js';
import { createSecurity } from '../security/authenticator.js';
import { backfillNameIndex } from '../security/name-index-backfill.js';
import { bootstrapAdmin, seedDemoUsers } from '../security/demo-users.js';
import { temporalDataConverter } from '../security/payload-codec.js';
import { createBankClient } from '../partners/bank-client.js';
import { buildApi } from './build-api.js';
import { registerSearchAttributes } from './search-attributes.js';
import { fundFromBankOpeningBalance } from './opening-capital.js';
import { startOnlinePaymentExpiry } from './online-payments.js';
import { startCollectionChecks } from './collection-checks.js';
import { startAmlDetection } from './aml-detection.js';
import { startDailyCreditReport } from './credit-reporting-schedule.js';
import { createCreditReportingClient } from '../partners/credit-reporting-client.js';
import { temporalConnectionOptions } from './workflow-errors.js';
import { messageSealing } from './message-sealing.js';

async function main() {
  const config = loadConfig();
  for (const setting of ['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const) {
    if (!config[setting]) throw new ConfigError(setting, 'must be set for the API');
  }
  if (!(await isPortFree(config.PORT, config.HOST))) throw new ConfigError('PORT', `${config.PORT} is already in use`);
  const log = createLogger('api', config.LOG_LEVEL);
  const sql = connectDb(config.DATABASE_URL!, { max: 30, applicationName: 'microloan-api' });
  await migrate(sql).catch((err: Error) => {
    throw new ConfigError('DATABASE_URL', `cannot be used: ${err.message}`);
  });
  // Before anything writes an audit row: it holds the chain key (security/audit.ts).
  const security = createSecurity({ config, sql });
  const checkpointDir = auditCheckpointDir(config);
  const checkpointKey = auditCheckpointKey(security.keyring);
  // Where the keyless rows of the chain end, signed outside the database (migration 0024).
  await writeAuditAnchor(sql, checkpointDir, checkpointKey, new Date());
  await seedDefaultProducts(sql);
  if (config.APP_MODE === 'local') await seedDemoUsers(sql, config);
  else await bootstrapAdmin(sql, config);
  if (config.APP_MODE === 'local' && config.BANK_URL) {
    const bank = createBankClient({ baseUrl: config.BANK_URL, log, timeoutMs: 10_000 });
    await fundFromBankOpeningBalance(sql, bank, { timeZone: config.BUSINESS_TIME_ZONE, now: new Date(), log }).catch(
      (err: Error) => log.warn({ err: err.message }, "BANK not funded from the bank's opening balance"),
    );
  }

  const named = await backfillNameIndex(sql, security);
  if (named > 0) log.info({ rows: named }, 'name blind index filled for earlier borrowers');
  const connection = await Connection.connect(temporalConnectionOptions(config)).catch((err: Error) => {
    throw new ConfigError('TEMPORAL_ADDRESS', `cannot be reached (${config.TEMPORAL_ADDRESS}): ${err.message}`);
  });
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(security.keyring),
    interceptors: { workflow: [messageSealing(security.keyring)] },
  });
  // A namespace without them refuses every new loan; readiness names what is still missing.
  await registerSearchAttributes(connection.operatorService, config.TEMPORAL_NAMESPACE).then(
    (missing) => {
      if (missing.length) log.error({ missing }, 'search attributes still missing after registering them; see /readyz');
    },
    (err: Error) => log.error({ err: err.message }, 'search attributes not registered; see /readyz'),
  );
  const app = buildApi(
    {
      config,
      sql,
      temporal,
      log,
      auth: security.auth,
      keyring: security.keyring,
      cipher: security.cipher,
      now: () => new Date(),
    },
    security,
  );

  const tls =
    config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE) }
      : null;
  const server = serve({
    fetch: app.fetch,
    port: config.PORT,
    hostname: config.HOST,
    ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
  });
  log.info({ port: config.PORT, tls: !!tls }, 'api listening');
  const stopExpiry = startOnlinePaymentExpiry(sql, log.child({ component: 'online-payment-expiry' }));
  const stopCollectionChecks = startCollectionChecks(
    sql,
    security.cipher,
    log.child({ component: 'collection-checks' }),
    config.BUSINESS_TIME_ZONE,
  );
  const stopAmlDetection = startAmlDetection(sql, log.child({ component: 'aml-detection' }), config.BUSINESS_TIME_ZONE);
  const creditReportLog = log.child({ component: 'credit-report' });
  const stopCreditReport = config.BUREAU_URL
    ? startDailyCreditReport(
        {
          sql,
          cipher: security.cipher,
          client: createCreditReportingClient({ baseUrl: config.BUREAU_URL, log: creditReportLog, timeoutMs: 30_000 }),
          dataDir: config.DATA_DIR,
          timeZone: config.BUSINESS_TIME_ZONE,
        },
        creditReportLog,
      )
    : () => undefined;
  const stopCheckpoints = scheduleAuditCheckpoints(
    () => writeAuditCheckpoint(sql, checkpointDir, checkpointKey, new Date()),
    config.AUDIT_CHECKPOINT_MINUTES,
    (err) => log.error({ err: (err as Error).message }, 'audit checkpoint not written'),
  );

  const closeAndExit = async () => {
    await connection.close();
    await sql.end({ timeout: 5 });
    process.exit(0);
  };
  const stop = () => {
    stopExpiry();
    stopCollectionChecks();
    stopAmlDetection();
    stopCreditReport();
    stopCheckpoints();
    server.close(() => void closeAndExit());
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

exitWhenParentDies();
main().catch((err) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : `API failed to start: ${err instanceof Error ? err.message : String(err)}`}\n`,
  );
  process.exit(1);
});
