import { createHmac, timingSafeEqual } from 'node:crypto';

// Bank (and gateway) callbacks are signed as hex HMAC-SHA256 of `${timestamp}.${rawBody}`, where
// timestamp is Unix seconds. Signing the timestamp binds it to the body, so an old capture cannot be
// re-sent with a fresh timestamp; the replay window then bounds how long a capture stays usable.
// Receivers should still treat callbacks as at-least-once and de-duplicate by transferId/messageId.

export const TIMESTAMP_HEADER = 'X-Bank-Timestamp';
export const SIGNATURE_HEADER = 'X-Bank-Signature';
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

const SIGNATURE_SHAPE = /^[0-9a-f]{64}$/i;
const TIMESTAMP_SHAPE = /^\d{1,12}$/;

export type SignatureRejection = 'MISSING_HEADERS' | 'MALFORMED_TIMESTAMP' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE';
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureRejection };

export interface SignedCallback {
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  rawBody: string;
}

export interface VerifyOptions {
  secret: string;
  now?: Date;
  replayWindowSeconds?: number;
}

export function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

export function signCallback(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The two headers to send with `rawBody`. */
export function callbackSignatureHeaders(
  secret: string,
  rawBody: string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = String(unixSeconds(now));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signCallback(secret, timestamp, rawBody) };
}

/** Checks the timestamp is inside the replay window (either side, for clock skew) and the signature matches in constant time. */
export function verifyCallbackSignature(callback: SignedCallback, options: VerifyOptions): SignatureCheck {
  const { timestamp, signature, rawBody } = callback;
  if (!timestamp || !signature) return { ok: false, reason: 'MISSING_HEADERS' };
  if (!TIMESTAMP_SHAPE.test(timestamp)) return { ok: false, reason: 'MALFORMED_TIMESTAMP' };
  const window = options.replayWindowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
  if (Math.abs(unixSeconds(options.now ?? new Date()) - Number(timestamp)) > window) {
    return { ok: false, reason: 'STALE_TIMESTAMP' };
  }
  if (!SIGNATURE_SHAPE.test(signature)) return { ok: false, reason: 'BAD_SIGNATURE' };
  const expected = Buffer.from(signCallback(options.secret, timestamp, rawBody), 'hex');
  const given = Buffer.from(signature, 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'BAD_SIGNATURE' };
}

/** Reads the headers from a Fetch `Headers` (Hono's `c.req.raw.headers`) or a Node header map. */
export function signedCallbackFrom(
  headers: Headers | Record<string, string | string[] | undefined>,
  rawBody: string,
): SignedCallback {
  const read = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name.toLowerCase()] ?? headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { timestamp: read(TIMESTAMP_HEADER), signature: read(SIGNATURE_HEADER), rawBody };
}
