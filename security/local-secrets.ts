// Local mode's per-installation secrets: generated once into `<DATA_DIR>/local-secrets.json`
// (0600) and handed by the stack to the API, the worker and the partner simulators, instead of
// constants anyone could read in the source. Production sets each one itself.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface LocalSecrets {
  /** Signs the bank's (and SMS/email receipts') callbacks: BANK_CALLBACK_SECRET. */
  bankCallbackSecret: string;
  /** Signs the payment gateway's confirmations: GATEWAY_CALLBACK_SECRET. */
  gatewayCallbackSecret: string;
  /** The database app role's password (db/app-role.ts). */
  databaseAppPassword: string;
}

const NAMES = ['bankCallbackSecret', 'gatewayCallbackSecret', 'databaseAppPassword'] as const;

export function localSecretsPath(dataDir: string): string {
  return resolve(join(dataDir, 'local-secrets.json'));
}

function fresh(): LocalSecrets {
  const secret = () => randomBytes(32).toString('base64url');
  return { bankCallbackSecret: secret(), gatewayCallbackSecret: secret(), databaseAppPassword: secret() };
}

/** Reads the installation's secrets, writing fresh ones first when there are none; a racing process reads the winner's. */
export function ensureLocalSecrets(dataDir: string): LocalSecrets {
  const path = localSecretsPath(dataDir);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, `${JSON.stringify(fresh(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(temp);
    }
    chmodSync(path, 0o600);
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSecrets>;
  for (const name of NAMES) {
    if (typeof stored[name] !== 'string' || stored[name].length < 32)
      throw new Error(`${path} has no usable "${name}"; remove the file to have new secrets generated`);
  }
  return stored as LocalSecrets;
}
