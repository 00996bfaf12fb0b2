import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { ConfigError } from '../config/index.js';
import { problem, type FieldProblem } from '../domain/errors.js';

// Algorithm is an ambient const enum, which isolatedModules cannot read; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const PRODUCTION_COST: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const TEST_COST: Options = { algorithm: ARGON2ID, memoryCost: 1_024, timeCost: 1, parallelism: 1 };

/** Staff usernames: lower case, starting with a letter, so they never look like a phone number. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9_.-]{2,31}$/;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** PASSWORD_HASH_COST=test lowers the cost for test runs; refused in production mode. */
function hashOptions(env: NodeJS.ProcessEnv = process.env): Options {
  const cost = env.PASSWORD_HASH_COST;
  if (cost === undefined || cost === '' || cost === 'production') return PRODUCTION_COST;
  if (cost !== 'test') throw new ConfigError('PASSWORD_HASH_COST', 'must be "test" or unset');
  if (env.APP_MODE === 'production')
    throw new ConfigError('PASSWORD_HASH_COST', 'must not be "test" in production mode');
  return TEST_COST;
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, hashOptions());
}

/** False for a wrong password and for a hash that cannot be parsed. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so an unknown username cannot be told from a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hash('not-a-real-password-0', hashOptions());
  await verifyPassword(await dummyHash, password);
}

const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword1',
  '12345678',
  '123456789',
  '1234567890',
  '87654321',
  '11111111',
  '88888888',
  '66666666',
  '00000000',
  'qwerty123',
  'qwerty12',
  'qwer1234',
  'asdf1234',
  'zxcv1234',
  '1qaz2wsx',
  '1q2w3e4r',
  'q1w2e3r4',
  'abc12345',
  'abcd1234',
  'a1234567',
  'a12345678',
  'aa123456',
  'aa12345678',
  'qwe123456',
  'abc123456',
  'iloveyou1',
  'woaini1314',
  'woaini520',
  '5201314a',
  'a5201314',
  'admin123',
  'admin1234',
  'admin888',
  'root1234',
  'test1234',
  'welcome1',
  'letmein1',
  'changeme1',
  'qq123456',
  'pass1234',
  'user1234',
]);

export interface PasswordIdentity {
  username?: string | null;
  phone?: string | null;
}

/** Problems with a new password; empty when it is acceptable. */
export function checkPasswordPolicy(
  password: string,
  identity: PasswordIdentity = {},
  field = 'password',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(
      problem(
        field,
        'PASSWORD_TOO_SHORT',
        `密码至少需要 ${PASSWORD_MIN_LENGTH} 个字符`,
        `Password must have at least ${PASSWORD_MIN_LENGTH} characters`,
      ),
    );
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    problems.push(
      problem(
        field,
        'PASSWORD_TOO_LONG',
        `密码不能超过 ${PASSWORD_MAX_LENGTH} 个字符`,
        `Password must have at most ${PASSWORD_MAX_LENGTH} characters`,
      ),
    );
  }
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) {
    problems.push(
      problem(
        field,
        'PASSWORD_TOO_SIMPLE',
        '密码须同时包含字母和数字',
        'Password must contain both letters and digits',
      ),
    );
  }
  const lower = password.toLowerCase();
  const sameAs = [identity.username, identity.phone].filter((v): v is string => !!v).map((v) => v.toLowerCase());
  if (sameAs.includes(lower)) {
    problems.push(
      problem(
        field,
        'PASSWORD_SAME_AS_USERNAME',
        '密码不能与用户名或手机号相同',
        'Password must not be the same as the username or phone number',
      ),
    );
  }
  if (COMMON_PASSWORDS.has(lower)) {
    problems.push(
      problem(field, 'PASSWORD_TOO_COMMON', '密码过于常见，请换一个', 'Password is too common; choose another'),
    );
  }
  return problems;
}
