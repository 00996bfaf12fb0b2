import { ConfigError, type Config } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import type { Role } from '../domain/types.js';
import { recordAudit } from './audit.js';
import { checkPasswordPolicy, hashPassword, USERNAME_PATTERN } from './passwords.js';

/** The shared password of the local demo staff accounts. Local mode only. */
export const DEMO_PASSWORD = 'Demo@2026';

export const DEMO_STAFF: ReadonlyArray<{ username: string; role: Exclude<Role, 'BORROWER'> }> = [
  { username: 'loan_officer', role: 'LOAN_OFFICER' },
  { username: 'initial_reviewer', role: 'INITIAL_REVIEWER' },
  { username: 'final_reviewer', role: 'FINAL_REVIEWER' },
  { username: 'finance', role: 'FINANCE' },
  // A second finance user: staff postings need a maker and a different checker.
  { username: 'finance_checker', role: 'FINANCE' },
  { username: 'collector', role: 'COLLECTOR' },
  { username: 'risk_manager', role: 'RISK_MANAGER' },
  { username: 'auditor', role: 'AUDITOR' },
  { username: 'ops', role: 'OPS' },
  { username: 'admin', role: 'ADMIN' },
  // The collections supervisor: a risk manager, who holds collection:assign and collection:supervise.
  { username: 'collection_supervisor', role: 'RISK_MANAGER' },
  { username: 'compliance', role: 'COMPLIANCE' },
];

async function createIfMissing(sql: Sql, username: string, role: Role, password: string): Promise<string | null> {
  const [existing] = await sql`select 1 from users where username = ${username}`;
  if (existing) return null;
  const [row] = await sql<{ id: string }[]>`
    insert into users (role, username, password_hash) values (${role}, ${username}, ${await hashPassword(password)})
    on conflict do nothing returning id`;
  return row?.id ?? null;
}

/**
 * Local mode only: one staff account per role (username = role in lower case, password
 * Demo@2026), a second finance user, finance_checker, and the collections supervisor,
 * collection_supervisor (a risk manager). Existing accounts are left as they are. Returns the
 * usernames created; does nothing outside local mode.
 */
export async function seedDemoUsers(sql: Sql, config: Pick<Config, 'APP_MODE'>): Promise<string[]> {
  if (config.APP_MODE !== 'local') return [];
  const created: string[] = [];
  for (const { username, role } of DEMO_STAFF) {
    const id = await createIfMissing(sql, username, role, DEMO_PASSWORD);
    if (!id) continue;
    created.push(username);
    await recordAudit(sql, {
      action: 'USER_CREATE',
      result: 'SUCCESS',
      actorRole: 'SYSTEM',
      resourceType: 'user',
      resourceId: id,
      detail: { username, role, demo: true },
    });
  }
  return created;
}

/**
 * The first administrator outside local mode, from BOOTSTRAP_ADMIN_USERNAME / _PASSWORD.
 * Creates it once; never changes an existing account. Returns whether it was created.
 */
export async function bootstrapAdmin(
  sql: Sql,
  config: Pick<Config, 'BOOTSTRAP_ADMIN_USERNAME' | 'BOOTSTRAP_ADMIN_PASSWORD'>,
): Promise<boolean> {
  const username = config.BOOTSTRAP_ADMIN_USERNAME?.trim().toLowerCase();
  const password = config.BOOTSTRAP_ADMIN_PASSWORD;
  if (!username && !password) return false;
  if (!username)
    throw new ConfigError('BOOTSTRAP_ADMIN_USERNAME', 'must be set together with BOOTSTRAP_ADMIN_PASSWORD');
  if (!password)
    throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD', 'must be set together with BOOTSTRAP_ADMIN_USERNAME');
  if (!USERNAME_PATTERN.test(username)) {
    throw new ConfigError(
      'BOOTSTRAP_ADMIN_USERNAME',
      'must start with a letter and have 3–32 lowercase letters, digits, _ . or -',
    );
  }
  const problems = checkPasswordPolicy(password, { username });
  if (problems.length > 0)
    throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD', `is too weak: ${problems.map((p) => p.message.en).join('; ')}`);
  const id = await createIfMissing(sql, username, 'ADMIN', password);
  if (!id) return false;
  await recordAudit(sql, {
    action: 'USER_CREATE',
    result: 'SUCCESS',
    actorRole: 'SYSTEM',
    resourceType: 'user',
    resourceId: id,
    detail: { username, role: 'ADMIN', bootstrap: true },
  });
  return true;
}
