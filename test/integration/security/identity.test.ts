// Real-name registration, SMS-confirmed signing and claiming an officer-entered account, over HTTP
// on the running stack, tried as a fraudster would: someone else's ID number with one's own phone,
// an ID number already registered, a loan under a third name, a wrong, expired or used code, a
// signature without one.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../setup/provided.js';
import { ApiCallError, ApiClient, personalLoanApplication, type Session } from '../../../drivers/api-client.js';
import { makeCardNumber, makeIdNumber, makePhone } from '../../../drivers/identities.js';
import { smsPhoneKey } from '../../../security/sms-codes.js';
import { readKeyFile } from '../../../security/keyring.js';
import { stackDb } from '../support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
const keyring = readKeyFile(stack.dataKeyFile);
let officer: Session;

beforeAll(async () => {
  officer = await api.login('loan_officer');
});
afterAll(async () => {
  await sql.end();
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError)
      return {
        status: err.status,
        code: err.body?.error?.code,
        fields: (err.body?.error?.fields ?? []) as Array<{ field: string; code: string }>,
      };
    throw err;
  }
  throw new Error('expected a refusal');
}

async function register(person: { phone: string; name: string; idNumber: string }, smsCode?: string) {
  const code = smsCode ?? (await api.smsCode(person.phone, 'REGISTER'));
  return api.call<{ userId: string }>('POST', '/v1/auth/register', {
    body: { ...person, password: 'Borrow12345x9', smsCode: code },
  });
}

describe('registration', () => {
  it('needs a REGISTER code: none, a wrong one and a used one are refused naming smsCode', async () => {
    const person = { phone: makePhone(), name: '王芳', idNumber: makeIdNumber({ name: '王芳' }) };
    const none = await refusal(register(person, '123456'));
    expect(none).toMatchObject({
      status: 400,
      code: 'SMS_CODE_INVALID',
      fields: [{ field: 'smsCode', code: 'SMS_CODE_NOT_FOUND' }],
    });
    const code = await api.smsCode(person.phone, 'REGISTER');
    const wrong = await refusal(register(person, code === '000000' ? '000001' : '000000'));
    expect(wrong.fields).toEqual([expect.objectContaining({ field: 'smsCode', code: 'SMS_CODE_WRONG' })]);
    await register(person, code);
    const again = await refusal(register({ ...person, phone: person.phone }, code));
    expect(again.fields).toEqual([expect.objectContaining({ field: 'smsCode', code: 'SMS_CODE_NOT_FOUND' })]);
    await api.login(person.phone, 'Borrow12345x9');
  });

  it('an expired code is refused', async () => {
    const person = { phone: makePhone(), name: '李娜', idNumber: makeIdNumber({ name: '李娜' }) };
    const code = await api.smsCode(person.phone, 'REGISTER');
    await sql`update sms_codes set expires_at = now() - interval '1 second' where phone_key = ${smsPhoneKey(keyring, person.phone)}`;
    const expired = await refusal(register(person, code));
    expect(expired.fields).toEqual([expect.objectContaining({ field: 'smsCode', code: 'SMS_CODE_EXPIRED' })]);
  });

  it("someone else's ID number with one's own phone is refused by the identity check (422 naming name)", async () => {
    const victimId = makeIdNumber({ name: '陈静' });
    const fraud = await refusal(register({ phone: makePhone(), name: '赵强', idNumber: victimId }));
    expect(fraud).toMatchObject({ status: 422, code: 'IDENTITY_NAME_MISMATCH', fields: [{ field: 'name' }] });
  });

  it('an ID number already registered is 409, whatever the phone', async () => {
    const idNumber = makeIdNumber({ name: '周敏' });
    await register({ phone: makePhone(), name: '周敏', idNumber });
    const second = await refusal(register({ phone: makePhone(), name: '周敏', idNumber }));
    expect(second).toMatchObject({ status: 409, code: 'ALREADY_REGISTERED' });
  });

  it('503 with Retry-After when the identity service is down', async () => {
    const admin = `${stack.simulatorUrl}/admin/faults`;
    const set = (failureRate: number) =>
      fetch(admin, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: { failureRate } }),
      });
    expect((await set(1)).ok).toBe(true);
    try {
      const person = { phone: makePhone(), name: '吴磊', idNumber: makeIdNumber({ name: '吴磊' }) };
      const code = await api.smsCode(person.phone, 'REGISTER');
      const response = await api.fetch('POST', '/v1/auth/register', {
        body: { ...person, password: 'Borrow12345x9', smsCode: code },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('30');
    } finally {
      await set(0);
    }
  });
});

describe('applying', () => {
  it('an applicant under a third name, or another ID number, is 422 naming the field', async () => {
    const borrower = await api.registerBorrower({ name: '杨洋' });
    const session = await api.login(borrower.phone, borrower.password);
    const third = await refusal(
      api.call('POST', '/v1/applications', {
        token: session.token,
        body: personalLoanApplication({ ...borrower, name: '黄丽' }),
      }),
    );
    expect(third).toMatchObject({ status: 422, fields: [{ field: 'applicant.name', code: 'NOT_YOUR_NAME' }] });
    const otherId = await refusal(
      api.call('POST', '/v1/applications', {
        token: session.token,
        body: personalLoanApplication({ ...borrower, idNumber: makeIdNumber({ name: '杨洋' }) }),
      }),
    );
    expect(otherId).toMatchObject({ status: 422, fields: [{ field: 'applicant.idNumber', code: 'NOT_YOUR_ID' }] });
  });
});

async function loanAwaitingSignature() {
  const borrower = await api.registerBorrower();
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, { amount: '8000.00' });
  await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');
  return { borrower, session, loanId };
}

describe('signing', () => {
  it('needs a SIGN_CONTRACT code for this loan; the signature record keeps hash, code, address and device', async () => {
    const { borrower, session, loanId } = await loanAwaitingSignature();
    const contractSha256 = await api.contractSha256(session.token, loanId);
    const sign = (smsCode?: string) =>
      api.call('POST', `/v1/loans/${loanId}/contract/sign`, {
        token: session.token,
        body: { contractSha256, ...(smsCode === undefined ? {} : { smsCode }) },
        headers: { 'user-agent': 'identity-test/1', 'x-device-id': 'device-42' },
      });
    expect(await refusal(sign())).toMatchObject({ status: 400, fields: [{ field: 'smsCode' }] });
    expect(await refusal(sign('123456'))).toMatchObject({
      status: 400,
      fields: [{ field: 'smsCode', code: 'SMS_CODE_NOT_FOUND' }],
    });
    // A REGISTER-like code for another purpose does not sign.
    const code = await api.smsCode(borrower.phone, 'SIGN_CONTRACT', loanId);
    const wrong = await refusal(sign(code === '000000' ? '000001' : '000000'));
    expect(wrong.fields).toEqual([expect.objectContaining({ field: 'smsCode', code: 'SMS_CODE_WRONG' })]);
    expect((await api.loan(session.token, loanId)).status).toBe('AWAITING_SIGNATURE');

    const signed = await sign(code);
    expect(['DISBURSING', 'ACTIVE']).toContain(signed.status);
    const [record] = await sql<
      {
        contract_sha256: string;
        sms_verification_id: string;
        client_ip: string;
        user_agent: string;
        device_id: string;
      }[]
    >`select contract_sha256, sms_verification_id, client_ip, user_agent, device_id from contract_signatures where loan_id = ${loanId}`;
    expect(record).toMatchObject({
      contract_sha256: contractSha256,
      user_agent: 'identity-test/1',
      device_id: 'device-42',
    });
    expect(record!.client_ip).toMatch(/127\.0\.0\.1/);
    const [code_row] = await sql`select consumed_at from sms_codes where id = ${record!.sms_verification_id}`;
    expect(code_row!.consumed_at).not.toBeNull();
    const [audit] = await sql<{ detail: { smsVerificationId: string } }[]>`
      select detail from audit_log where loan_id = ${loanId} and action = 'CONTRACT_SIGNED' and result = 'SUCCESS'`;
    expect(audit!.detail.smsVerificationId).toBe(record!.sms_verification_id);
    await api.waitForLoanStatus(session.token, loanId, 'ACTIVE');
  });

  it("a code sent for another loan, or asked with someone else's phone, does not sign", async () => {
    const { session, loanId } = await loanAwaitingSignature();
    const stranger = makePhone();
    await api.requestSmsCode(stranger, 'SIGN_CONTRACT', loanId);
    expect(await api.latestSmsCode(stranger, 'SIGN_CONTRACT')).toBeNull();
    const contractSha256 = await api.contractSha256(session.token, loanId);
    const refused = await refusal(
      api.call('POST', `/v1/loans/${loanId}/contract/sign`, {
        token: session.token,
        body: { contractSha256, smsCode: '654321' },
      }),
    );
    expect(refused.status).toBe(400);
    expect((await api.loan(session.token, loanId)).status).toBe('AWAITING_SIGNATURE');
  });
});

describe('claiming an account a loan officer entered', () => {
  it('the applicant claims with a code to the phone on the application, logs in and signs', async () => {
    const name = '刘军';
    const applicant = { name, idNumber: makeIdNumber({ name }), phone: makePhone() };
    const { loanId, requiredDocuments } = await api.call<{ loanId: string; requiredDocuments: string[] }>(
      'POST',
      '/v1/applications',
      {
        token: officer.token,
        body: personalLoanApplication(applicant, {
          amount: '8000.00',
          bankAccount: { cardNumber: makeCardNumber(), bankName: '中国工商银行' },
        }),
      },
    );
    await api.uploadRequiredDocuments(officer.token, loanId, requiredDocuments);
    await api.waitForLoanStatus(officer.token, loanId, 'AWAITING_SIGNATURE');

    expect(await refusal(api.login(applicant.phone, 'Claimed12345x'))).toMatchObject({ status: 401 });
    const wrong = await refusal(
      api.call('POST', '/v1/auth/claim', {
        body: { phone: applicant.phone, smsCode: '111111', password: 'Claimed12345x' },
      }),
    );
    expect(wrong.fields).toEqual([expect.objectContaining({ field: 'smsCode' })]);
    await api.claimAccount(applicant.phone, 'Claimed12345x');
    const session = await api.login(applicant.phone, 'Claimed12345x');
    const signed = await api.signContract(session.token, loanId);
    expect(['DISBURSING', 'ACTIVE']).toContain(signed.status);
    await api.waitForLoanStatus(session.token, loanId, 'ACTIVE');

    // Claimed once: no second code is sent, and a claim cannot take the account over.
    await sql`update sms_codes set issued_at = issued_at - interval '2 minutes' where phone_key = ${smsPhoneKey(keyring, applicant.phone)}`;
    await api.requestSmsCode(applicant.phone, 'CLAIM_ACCOUNT');
    const codes =
      await sql`select code_hash from sms_codes where phone_key = ${smsPhoneKey(keyring, applicant.phone)} and purpose = 'CLAIM_ACCOUNT' order by issued_at desc limit 1`;
    expect(codes[0]!.code_hash).toBe('');
  });
});
