// `npm run audit:verify`: recomputes the audit log's chain (keyless scheme 1 up to the signed
// anchor, keyed scheme 2 after it) and checks it against the signed checkpoints
// (security/audit-checkpoints.ts); exits 1 when anything disagrees, or when a row older than two
// checkpoint intervals is covered by no checkpoint (the checkpoints stopped or were removed).
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { auditChainKey } from '../security/audit.js';
import { verifyAuditChain } from '../security/audit-verify.js';
import {
  auditCheckpointDir,
  auditCheckpointKey,
  checkAgainstAnchor,
  checkAgainstCheckpoints,
  findMissingCheckpoint,
  readAuditAnchor,
  readAuditCheckpoints,
} from '../security/audit-checkpoints.js';
import { loadKeyring } from '../security/keyring.js';
import { localDatabaseUrl } from './database-url.js';

async function main(): Promise<number> {
  const config = loadConfig();
  const keyring = loadKeyring(config);
  const dir = auditCheckpointDir(config);
  const checkpointKey = auditCheckpointKey(keyring);
  const sql = connectDb(localDatabaseUrl(config), { max: 1, applicationName: 'microloan-audit-verify' });
  try {
    const { anchor, problem: anchorProblem } = readAuditAnchor(dir, checkpointKey);
    const report = await verifyAuditChain(sql, auditChainKey(keyring), { v1LastId: anchor?.v1LastId });
    if (!report.ok) {
      console.error(
        `审计日志已被篡改 / Audit chain BROKEN at ${report.brokenAt}: ${report.reason} (${report.rows} rows checked)`,
      );
      return 1;
    }
    // A chain can be recomputed by whoever holds the chain key or rewrites keyless rows; the
    // signed anchor and checkpoints, kept outside the database, cannot.
    const { checkpoints, problems } = readAuditCheckpoints(dir, checkpointKey);
    if (anchorProblem) problems.push({ file: 'audit-anchor.json', reason: anchorProblem });
    else problems.push(...(await checkAgainstAnchor(sql, anchor)));
    problems.push(...(await checkAgainstCheckpoints(sql, checkpoints)));
    const graceMs = 2 * config.AUDIT_CHECKPOINT_MINUTES * 60_000;
    const missing = await findMissingCheckpoint(sql, checkpoints, new Date(Date.now() - graceMs));
    if (missing) {
      console.error(`缺少审计检查点 / Audit checkpoint MISSING in ${dir}: ${missing.reason}`);
      problems.push(missing);
    }
    for (const p of problems.filter((x) => x !== missing))
      console.error(`审计检查点不符 / Audit checkpoint MISMATCH ${p.file}: ${p.reason}`);
    if (problems.length > 0) return 1;
    console.log(
      `审计日志完整 / Audit chain intact: ${report.rows} rows (keyless up to row ${report.v1LastId}), last hash ${report.lastHash}; ${checkpoints.length} signed checkpoints agree`,
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
