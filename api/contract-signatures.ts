// The borrower's signature on a contract: confirmed by a SIGN_CONTRACT SMS code to the phone of
// their account, recorded with the contract's sha256, the time, the code's verification and the
// client's address and device before the loan is told.
import type { Context } from 'hono';
import { verifySmsCode } from '../security/sms-codes.js';
import { USER_FIELDS } from '../security/encryption-contexts.js';
import type { ApiDeps, AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { auditRequest, sourceIp } from './middleware/audit.js';
import { smsCodeRefused } from './sms-code-problems.js';

export interface SignatureRecord {
  id: string;
  verificationId: string;
  /** False when this request repeats a signature already recorded for the same contract. */
  created: boolean;
}

interface SignatureRow {
  id: string;
  sms_verification_id: string;
  signer_id: string;
}

async function existing(deps: ApiDeps, loanId: string, contractSha256: string): Promise<SignatureRow | undefined> {
  const [row] = await deps.sql<SignatureRow[]>`
    select id, sms_verification_id, signer_id from contract_signatures
    where loan_id = ${loanId} and contract_sha256 = ${contractSha256}`;
  return row;
}

/**
 * Records the signature, or answers the one already recorded for this contract and signer. With
 * `freshCode` every attempt must verify a new SMS code: a row left by an attempt the loan never took
 * (a timeout) is not reused on the session alone, it is confirmed again by this attempt's code, time
 * and device, and belongs to this attempt (`created`: remove it if the loan refuses).
 */
export async function recordSignature(
  c: Context<AppEnv>,
  deps: ApiDeps,
  input: { loanId: string; contractSha256: string; smsCode: string; signerId: string; freshCode?: boolean },
): Promise<SignatureRecord> {
  const { loanId, contractSha256, signerId } = input;
  const before = await existing(deps, loanId, contractSha256);
  if (before && before.signer_id === signerId && !input.freshCode)
    return { id: before.id, verificationId: before.sms_verification_id, created: false };

  const [user] = await deps.sql<{ phone_enc: string | null }[]>`select phone_enc from users where id = ${signerId}`;
  if (!user?.phone_enc)
    throw ApiError.forbidden({ zh: '该账户没有可接收验证码的手机号', en: 'This account has no phone to confirm with' });
  const phone = deps.cipher.decrypt(user.phone_enc, USER_FIELDS.phone);
  const verified = await verifySmsCode(deps, { phone, purpose: 'SIGN_CONTRACT', loanId, code: input.smsCode });
  if (!verified.ok) {
    await auditRequest(c, deps.sql, {
      action: 'CONTRACT_SIGNED',
      result: 'DENIED',
      resourceType: 'contract',
      resourceId: contractSha256,
      loanId,
      detail: { refusal: `SMS_CODE_${verified.reason}` },
    });
    throw smsCodeRefused(verified.reason);
  }
  if (before && before.signer_id === signerId) {
    const [row] = await deps.sql<{ id: string }[]>`
      update contract_signatures
      set sms_verification_id = ${verified.verificationId}, signed_at = now(), client_ip = ${sourceIp(c)},
          user_agent = ${c.req.header('user-agent')?.slice(0, 512) ?? null},
          device_id = ${c.req.header('x-device-id')?.slice(0, 128) ?? null}
      where id = ${before.id} and signer_id = ${signerId}
      returning id`;
    if (row) return { id: row.id, verificationId: verified.verificationId, created: true };
  }

  const [row] = await deps.sql<{ id: string }[]>`
    insert into contract_signatures (loan_id, contract_sha256, signer_id, sms_verification_id, client_ip, user_agent, device_id)
    values (${loanId}, ${contractSha256}, ${signerId}, ${verified.verificationId}, ${sourceIp(c)},
            ${c.req.header('user-agent')?.slice(0, 512) ?? null}, ${c.req.header('x-device-id')?.slice(0, 128) ?? null})
    on conflict (loan_id, contract_sha256) do nothing
    returning id`;
  if (row) return { id: row.id, verificationId: verified.verificationId, created: true };
  // Another request recorded this contract's signature at the same moment.
  const other = await existing(deps, loanId, contractSha256);
  if (!other || other.signer_id !== signerId)
    throw ApiError.conflict('ALREADY_SIGNED', { zh: '合同已签署', en: 'The contract is already signed' });
  return { id: other.id, verificationId: other.sms_verification_id, created: false };
}
