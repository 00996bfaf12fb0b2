// `npm run audit:verify`: recomputes the audit log's hash chain and exits 1 when it is broken.
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { verifyAuditChain } from '../security/audit-verify.js';

function databaseUrl(config: ReturnType<typeof loadConfig>): string {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  if (config.APP_MODE !== 'local') throw new ConfigError('DATABASE_URL', 'must be set');
  // The local stack's embedded Postgres (scripts/start-stack.ts).
  return `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? '5433'}/microloan`;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const sql = connectDb(databaseUrl(config), { max: 1, applicationName: 'microloan-audit-verify' });
  try {
    const report = await verifyAuditChain(sql);
    if (report.ok) {
      console.log(`审计日志完整 / Audit chain intact: ${report.rows} rows, last hash ${report.lastHash}`);
      return 0;
    }
    console.error(
      `审计日志已被篡改 / Audit chain BROKEN at ${report.brokenAt}: ${report.reason} (${report.rows} rows checked)`,
    );
    return 1;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `audit:verify failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
