import { describe, expect, it } from 'vitest';
import {
  callbackSignatureHeaders,
  signCallback,
  signedCallbackFrom,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyCallbackSignature,
} from '../../../partners/signature.js';

const SECRET = 'a-shared-secret-for-tests';
const BODY = '{"transferId":"trf_1","status":"SUCCEEDED","amount":"100.00"}';
const NOW = new Date('2026-11-28T10:00:00Z');

function signedAt(at: Date, body = BODY) {
  return signedCallbackFrom(new Headers(callbackSignatureHeaders(SECRET, body, at)), body);
}

describe('callback signatures', () => {
  it('signs `${timestamp}.${rawBody}` as hex HMAC-SHA256 (a known vector)', () => {
    expect(signCallback('key', '1700000000', '{}')).toBe(
      '9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae',
    );
    expect(signCallback(SECRET, '1', BODY)).toMatch(/^[0-9a-f]{64}$/);
    expect(signCallback(SECRET, '1', BODY)).not.toBe(signCallback(SECRET, '2', BODY));
  });

  it('accepts what it signed, inside the window on either side', () => {
    expect(verifyCallbackSignature(signedAt(NOW), { secret: SECRET, now: NOW })).toEqual({ ok: true });
    expect(verifyCallbackSignature(signedAt(new Date(NOW.getTime() - 299_000)), { secret: SECRET, now: NOW })).toEqual({
      ok: true,
    });
    expect(verifyCallbackSignature(signedAt(new Date(NOW.getTime() + 299_000)), { secret: SECRET, now: NOW })).toEqual({
      ok: true,
    });
  });

  it('rejects timestamps outside the replay window, in the past or the future', () => {
    expect(verifyCallbackSignature(signedAt(new Date(NOW.getTime() - 301_000)), { secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
    expect(verifyCallbackSignature(signedAt(new Date(NOW.getTime() + 301_000)), { secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
    expect(
      verifyCallbackSignature(signedAt(new Date(NOW.getTime() - 30_000)), {
        secret: SECRET,
        now: NOW,
        replayWindowSeconds: 10,
      }),
    ).toEqual({
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
  });

  it('rejects a changed body, a different secret, and malformed or missing headers', () => {
    const good = signedAt(NOW);
    expect(
      verifyCallbackSignature({ ...good, rawBody: BODY.replace('100.00', '900.00') }, { secret: SECRET, now: NOW }),
    ).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyCallbackSignature(good, { secret: 'some-other-secret-value', now: NOW })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(verifyCallbackSignature({ ...good, signature: 'zz' }, { secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(
      verifyCallbackSignature({ ...good, signature: good.signature!.slice(0, 62) }, { secret: SECRET, now: NOW }),
    ).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyCallbackSignature({ ...good, timestamp: '1.5e9' }, { secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'MALFORMED_TIMESTAMP',
    });
    expect(verifyCallbackSignature({ ...good, signature: undefined }, { secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'MISSING_HEADERS',
    });
    expect(verifyCallbackSignature({ ...good, timestamp: null }, { secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'MISSING_HEADERS',
    });
  });

  it('reads the headers from fetch Headers or a Node header map', () => {
    const headers = callbackSignatureHeaders(SECRET, BODY, NOW);
    const node = {
      [TIMESTAMP_HEADER.toLowerCase()]: headers[TIMESTAMP_HEADER],
      [SIGNATURE_HEADER.toLowerCase()]: headers[SIGNATURE_HEADER],
    };
    expect(signedCallbackFrom(node, BODY)).toEqual(signedCallbackFrom(new Headers(headers), BODY));
    expect(verifyCallbackSignature(signedCallbackFrom(node, BODY), { secret: SECRET, now: NOW })).toEqual({ ok: true });
  });
});
