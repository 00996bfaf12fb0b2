// One-time SMS codes: a 6-digit code sent to a phone for one purpose (and, where the purpose is
// about a loan, for that loan). The code and the phone are kept only as HMACs under the
// installation's key (outside the database), so a copy of the table gives up neither by trying
// every number. A code lives 5 minutes, allows 5 tries, is used once, and a newer code for the
// same phone and purpose replaces the older one. A phone gets a new code at most once a minute and
// 10 an hour.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { normalizePhone } from '../domain/validation/phone.js';
import type { Sql } from '../lib/db-client.js';
import type { Keyring } from './keyring.js';

export const SMS_CODE_PURPOSES = ['REGISTER', 'SIGN_CONTRACT', 'CLAIM_ACCOUNT', 'CHANGE_PAYOUT_ACCOUNT'] as const;
export type SmsCodePurpose = (typeof SMS_CODE_PURPOSES)[number];

export const SMS_CODE_TTL_MS = 5 * 60_000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
export const SMS_CODE_RESEND_INTERVAL_MS = 60_000;
export const SMS_CODES_PER_HOUR = 10;
/** The notification gateway's template for a code; its params are code, purpose and minutes. */
export const SMS_CODE_TEMPLATE = 'SMS_CODE';

/** The part of the notification gateway's client a code needs (partners/notify-client.ts). */
export interface SmsCodeSender {
  send(
    idempotencyKey: string,
    message: { channel: 'SMS'; to: string; template: string; params: Record<string, string> },
  ): Promise<unknown>;
}

/** Where codes are kept, and the key their look-ups and hashes are made with. */
export interface SmsCodeStore {
  sql: Sql;
  keyring: Keyring;
}

export interface SmsCodeDeps extends SmsCodeStore {
  notify: SmsCodeSender;
}

export interface SmsCodeSubject {
  phone: string;
  purpose: SmsCodePurpose;
  /** For SIGN_CONTRACT and CHANGE_PAYOUT_ACCOUNT: the loan the code confirms an act on. */
  loanId?: string;
}

export type IssueResult = { ok: true; expiresAt: Date } | { ok: false; reason: 'THROTTLED'; retryAfterSeconds: number };

export type VerifyResult =
  { ok: true; verificationId: string } | { ok: false; reason: 'WRONG' | 'EXPIRED' | 'TOO_MANY_ATTEMPTS' | 'NOT_FOUND' };

/** HMAC of the normalized phone: how a code's rows are found without keeping the number. */
export function smsPhoneKey(keyring: Keyring, phone: string): string {
  const normalized = normalizePhone(phone) ?? phone.trim();
  return createHmac('sha256', keyring.hmacKey).update(`sms-code/v2/phone:${normalized}`).digest('hex');
}

function codeHash(keyring: Keyring, rowId: string, code: string): Buffer {
  return createHmac('sha256', keyring.hmacKey).update(`sms-code/v2/code:${rowId}:${code}`).digest();
}

type Reservation = { ok: true; id: string; expiresAt: Date } | { ok: false; retryAfterSeconds: number };

/** Under the phone's lock: the throttle, then a new row holding the code's hash (or none). */
async function reserve(
  { sql, keyring }: SmsCodeStore,
  subject: SmsCodeSubject,
  code: string | null,
): Promise<Reservation> {
  const phoneKey = smsPhoneKey(keyring, subject.phone);
  const loanId = subject.loanId ?? '';
  return sql.begin(async (tx): Promise<Reservation> => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${`sms-code:${phoneKey}`}, 0))`;
    const [recent] = await tx<{ wait_same: number | null; hour_count: number; wait_hour: number | null }[]>`
      select
        ceil(extract(epoch from max(issued_at) filter (where purpose = ${subject.purpose} and loan_id = ${loanId})
             + ${SMS_CODE_RESEND_INTERVAL_MS / 1000} * interval '1 second' - now()))::int as wait_same,
        count(*)::int as hour_count,
        ceil(extract(epoch from min(issued_at) + interval '1 hour' - now()))::int as wait_hour
      from sms_codes
      where phone_key = ${phoneKey} and issued_at > now() - interval '1 hour'`;
    if (recent && recent.wait_same !== null && recent.wait_same > 0)
      return { ok: false, retryAfterSeconds: recent.wait_same };
    if (recent && recent.hour_count >= SMS_CODES_PER_HOUR)
      return { ok: false, retryAfterSeconds: Math.max(1, recent.wait_hour ?? 3600) };
    const [row] = await tx<{ id: string; expires_at: Date }[]>`
      insert into sms_codes (phone_key, purpose, loan_id, code_hash, expires_at)
      values (${phoneKey}, ${subject.purpose}, ${loanId}, '', now() + ${SMS_CODE_TTL_MS / 1000} * interval '1 second')
      returning id, expires_at`;
    // A withheld code keeps an empty hash, which no code matches.
    if (code !== null)
      await tx`update sms_codes set code_hash = ${codeHash(keyring, row!.id, code).toString('hex')} where id = ${row!.id}`;
    return { ok: true, id: row!.id, expiresAt: row!.expires_at };
  });
}

/**
 * Creates a code and sends it. THROTTLED (with the seconds to wait) when the phone had a code for
 * this purpose under a minute ago, or 10 codes in the last hour. A failed send leaves no code.
 */
export async function issueSmsCode(deps: SmsCodeDeps, subject: SmsCodeSubject): Promise<IssueResult> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const issued = await reserve(deps, subject, code);
  if (!issued.ok) return { ok: false, reason: 'THROTTLED', retryAfterSeconds: issued.retryAfterSeconds };
  try {
    await deps.notify.send(`sms-code:${issued.id}`, {
      channel: 'SMS',
      to: subject.phone,
      template: SMS_CODE_TEMPLATE,
      params: { code, purpose: subject.purpose, minutes: String(SMS_CODE_TTL_MS / 60_000) },
    });
  } catch (err) {
    await deps.sql`delete from sms_codes where id = ${issued.id}`;
    throw err;
  }
  return { ok: true, expiresAt: issued.expiresAt };
}

/**
 * For a request that must not be served (a phone that cannot use the purpose): throttled exactly
 * like a sent code, so the answers do not tell the cases apart, but nothing is sent and no code
 * can match. It also replaces any earlier code for the purpose.
 */
export async function withholdSmsCode(store: SmsCodeStore, subject: SmsCodeSubject): Promise<IssueResult> {
  const reserved = await reserve(store, subject, null);
  return reserved.ok
    ? { ok: true, expiresAt: reserved.expiresAt }
    : { ok: false, reason: 'THROTTLED', retryAfterSeconds: reserved.retryAfterSeconds };
}

interface CodeRow {
  id: string;
  code_hash: string;
  attempts: number;
  consumed_at: Date | null;
  expired: boolean;
}

/**
 * Checks a code against the phone's latest code for the purpose (and loan), and uses it up when it
 * matches. A used, replaced or never-sent code is NOT_FOUND; each wrong try counts, and after 5 the
 * code is dead. The verification id is what the confirmed act records.
 */
export async function verifySmsCode(
  { sql, keyring }: SmsCodeStore,
  attempt: SmsCodeSubject & { code: string },
): Promise<
  { ok: true; verificationId: string } | { ok: false; reason: 'WRONG' | 'EXPIRED' | 'TOO_MANY_ATTEMPTS' | 'NOT_FOUND' }
> {
  const phoneKey = smsPhoneKey(keyring, attempt.phone);
  const loanId = attempt.loanId ?? '';
  return sql.begin(async (tx): Promise<VerifyResult> => {
    const [row] = await tx<CodeRow[]>`
      select id, code_hash, attempts, consumed_at, expires_at <= now() as expired
      from sms_codes
      where phone_key = ${phoneKey} and purpose = ${attempt.purpose} and loan_id = ${loanId}
      order by issued_at desc, id desc
      limit 1
      for update`;
    if (!row || row.consumed_at) return { ok: false, reason: 'NOT_FOUND' };
    if (row.attempts >= SMS_CODE_MAX_ATTEMPTS) return { ok: false, reason: 'TOO_MANY_ATTEMPTS' };
    if (row.expired) return { ok: false, reason: 'EXPIRED' };
    const expected = Buffer.from(row.code_hash, 'hex');
    const given = codeHash(keyring, row.id, attempt.code.trim());
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      await tx`update sms_codes set consumed_at = now(), attempts = attempts + 1 where id = ${row.id}`;
      return { ok: true, verificationId: row.id };
    }
    await tx`update sms_codes set attempts = attempts + 1 where id = ${row.id}`;
    return { ok: false, reason: 'WRONG' };
  });
}
