// The codec session: Temporal Web decrypts payloads in the browser by calling /codec with the
// OPS user's cookies, so signing in to the approver UI is all an operator does. The cookie holds
// the user's access token itself, so its expiry, logout and "revoke all tokens" apply to it too.
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config/index.js';
import type { IssuedToken } from '../security/tokens.js';
import type { AppEnv } from './env.js';

export const CODEC_SESSION_COOKIE = 'microloan_codec';
/** Sent only to the codec routes, never to the rest of the API. */
export const CODEC_COOKIE_PATH = '/codec';

/**
 * Secure when the API serves HTTPS itself, or behind a trusted proxy that says the client used HTTPS.
 * Without TLS the cookie must go over plain http://localhost, so it cannot be Secure there.
 */
function servedOverTls(c: Context<AppEnv>, config: Pick<Config, 'TLS_CERT_FILE'>): boolean {
  if (config.TLS_CERT_FILE) return true;
  return process.env.TRUST_PROXY === 'true' && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (sent by the browser only on requests from the same
 * site: Temporal Web on another port or another subdomain of the same domain is the same site),
 * path /codec, and gone when the token expires.
 */
export function setCodecSession(
  c: Context<AppEnv>,
  config: Pick<Config, 'TLS_CERT_FILE'>,
  issued: IssuedToken,
  now: Date,
): void {
  setCookie(c, CODEC_SESSION_COOKIE, issued.token, {
    path: CODEC_COOKIE_PATH,
    httpOnly: true,
    secure: servedOverTls(c, config),
    sameSite: 'Strict',
    maxAge: Math.max(0, Math.floor((issued.expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

export function clearCodecSession(c: Context<AppEnv>, config: Pick<Config, 'TLS_CERT_FILE'>): void {
  deleteCookie(c, CODEC_SESSION_COOKIE, {
    path: CODEC_COOKIE_PATH,
    httpOnly: true,
    secure: servedOverTls(c, config),
    sameSite: 'Strict',
  });
}
