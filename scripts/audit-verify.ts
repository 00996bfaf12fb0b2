// `npm run audit:verify`: recomputes the audit log's hash chain and checks it against the signed
// checkpoints (security/audit-checkpoints.ts); exits 1 when either disagrees.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { verifyAuditChain } from '../security/audit-verify.js';
import {
  auditCheckpointDir,
  auditCheckpointKey,
  checkAgainstCheckpoints,
  readAuditCheckpoints,
} from '../security/audit-checkpoints.js';
import { loadKeyring } from '../security/keyring.js';

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
    if (!report.ok) {
      console.error(
        `审计日志已被篡改 / Audit chain BROKEN at ${report.brokenAt}: ${report.reason} (${report.rows} rows checked)`,
      );
      return 1;
    }
    // The chain alone can be recomputed by whoever can rewrite the table; the signed checkpoints cannot.
    const dir = auditCheckpointDir(config);
    const { checkpoints, problems } = existsSync(dir)
      ? readAuditCheckpoints(dir, auditCheckpointKey(loadKeyring(config)))
      : { checkpoints: [], problems: [] };
    problems.push(...(await checkAgainstCheckpoints(sql, checkpoints)));
    if (problems.length > 0) {
      for (const p of problems) console.error(`审计检查点不符 / Audit checkpoint MISMATCH ${p.file}: ${p.reason}`);
      return 1;
    }
    if (checkpoints.length === 0) {
      console.warn(
        `没有审计检查点 / No audit checkpoints in ${dir}: a rewrite of the whole chain would not be noticed`,
      );
    }
    console.log(
      `审计日志完整 / Audit chain intact: ${report.rows} rows, last hash ${report.lastHash}; ${checkpoints.length} signed checkpoints agree`,
    );
    return 0;
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
