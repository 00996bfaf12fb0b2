// Real-name verification (实名认证) of a name and ID number with the identity-verification
// service: a match, or the answer to give the caller (422 naming the field, 503 when the service
// cannot be reached).
import { problem } from '../domain/errors.js';
import type { IdentityClient } from '../partners/identity-client.js';
import { isPartnerError } from '../partners/http.js';
import { ApiError } from './errors.js';

export type IdentityCheck = { verificationId: string | null; refusal: ApiError | null };

function unavailable(): ApiError {
  return new ApiError(503, 'IDENTITY_SERVICE_UNAVAILABLE', {
    zh: '实名核验服务暂时不可用，请稍后重试（需重新获取短信验证码）',
    en: 'The identity-verification service is unavailable; retry in a minute with a new SMS code',
  });
}

export async function checkIdentity(
  client: IdentityClient | null,
  person: { name: string; idNumber: string },
): Promise<IdentityCheck> {
  if (!client) return { verificationId: null, refusal: unavailable() };
  let answer;
  try {
    answer = await client.verify(person);
  } catch (err) {
    if (isPartnerError(err)) return { verificationId: null, refusal: unavailable() };
    throw err;
  }
  if (answer.result === 'MATCH') return { verificationId: answer.verificationId, refusal: null };
  const text =
    answer.result === 'NAME_MISMATCH'
      ? { field: 'name', zh: '姓名与身份证号不匹配', en: 'The name does not match the ID number' }
      : { field: 'idNumber', zh: '查无此身份证号', en: 'The ID number is not in the identity register' };
  return {
    verificationId: answer.verificationId,
    refusal: new ApiError(422, `IDENTITY_${answer.result}`, { zh: text.zh, en: text.en }, [
      problem(text.field, `IDENTITY_${answer.result}`, text.zh, text.en),
    ]),
  };
}
