// `npm run reencrypt [-- --database-url <url>]`: the second step of a key rotation. Put the new
// key first in DATA_KEYS (or make it "current" in the key file) and restart the API and worker,
// then run this: every stored value still under an older key is re-encrypted under the current
// one. Temporal histories keep their payloads as written: keep the old key in DATA_KEYS while
// histories encrypted with it are retained. See security/reencryption.ts.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { createFieldCipher } from '../security/field-crypto.js';
import { loadKeyring } from '../security/keyring.js';
import { reencryptAll } from '../security/reencryption.js';
import { localDatabaseUrl } from './database-url.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } });
  const config = loadConfig();
  const keyring = loadKeyring(config);
  const sql = connectDb(values['database-url'] ?? localDatabaseUrl(config), {
    max: 2,
    applicationName: 'microloan-reencrypt',
  });
  try {
    const report = await reencryptAll(sql, createFieldCipher(keyring), keyring.currentKeyId);
    console.log(`重新加密完成 / Re-encrypted under key ${report.currentKeyId}:`);
    for (const [column, rows] of Object.entries(report.rewritten)) console.log(`  ${column.padEnd(36)} ${rows}`);
    return 0;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `reencrypt failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
