import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ConfigError, type Config } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import { ROLES, type Role } from '../domain/types.js';
import type { Keyring } from './keyring.js';

// ---------------------------------------------------------------- access tokens (JWT, HS256)

export interface AccessTokenClaims {
  sub: string;
  role: Role;
  username: string;
  jti: string;
  /** Seconds since the epoch, with milliseconds as a fraction (RFC 7519 allows non-integer NumericDate). */
  iat: number;
  exp: number;
  /** Present on the tokens of a user whose password an administrator reset: only the password change is open to them. */
  pwc?: true;
  /** When the session began (the login), in seconds since the epoch; kept by every refresh. Absent: `iat`. */
  ses?: number;
}

export interface IssuedToken {
  token: string;
  claims: AccessTokenClaims;
  expiresAt: Date;
}

export interface TokenSubject {
  userId: string;
  username: string;
  role: Role;
  /** The user must change a temporary password before doing anything else. */
  mustChangePassword?: boolean;
  /** A refreshed token's session start (seconds since the epoch); a new session when absent. */
  sessionStartedAt?: number;
}

export interface TokenSigner {
  readonly ttlSeconds: number;
  issue(subject: TokenSubject, now: Date): IssuedToken;
  /** The claims of a well-signed, unexpired token; null otherwise. Says nothing about revocation. */
  verify(token: string, now: Date): AccessTokenClaims | null;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 60;
/** A session refreshes its token for at most this long after the login; then the user signs in again. */
export const MAX_SESSION_SECONDS = 12 * 3600;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** ACCESS_TOKEN_TTL_MINUTES (1–1440), default 30. */
export function tokenTtlSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.ACCESS_TOKEN_TTL_MINUTES;
  if (text === undefined || text === '') return DEFAULT_TOKEN_TTL_SECONDS;
  const minutes = Number(text);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new ConfigError('ACCESS_TOKEN_TTL_MINUTES', 'must be a whole number of minutes between 1 and 1440');
  }
  return minutes * 60;
}

/** TOKEN_SECRET, or in local mode a secret derived from the local key material. */
export function resolveTokenSecret(config: Pick<Config, 'TOKEN_SECRET' | 'APP_MODE'>, keyring: Keyring): Buffer {
  if (config.TOKEN_SECRET) return Buffer.from(config.TOKEN_SECRET, 'utf8');
  if (config.APP_MODE !== 'local') throw new ConfigError('TOKEN_SECRET', 'must be set outside local mode');
  return keyring.derive('access-token/v1');
}

function isClaims(value: unknown): value is AccessTokenClaims {
  const c = value as Partial<AccessTokenClaims> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.sub === 'string' &&
    typeof c.username === 'string' &&
    typeof c.jti === 'string' &&
    typeof c.iat === 'number' &&
    typeof c.exp === 'number' &&
    typeof c.role === 'string' &&
    (ROLES as readonly string[]).includes(c.role) &&
    (c.pwc === undefined || c.pwc === true) &&
    (c.ses === undefined || typeof c.ses === 'number')
  );
}

export function createTokenSigner(secret: Buffer, options: { ttlSeconds?: number } = {}): TokenSigner {
  if (secret.length < 32) throw new ConfigError('TOKEN_SECRET', 'must be at least 32 bytes');
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const mac = (input: string) => createHmac('sha256', secret).update(input).digest();

  return {
    ttlSeconds,
    issue(subject, now) {
      const iat = now.getTime() / 1000;
      const claims: AccessTokenClaims = {
        sub: subject.userId,
        role: subject.role,
        username: subject.username,
        jti: randomUUID(),
        iat,
        exp: Math.floor(iat) + ttlSeconds,
        ...(subject.mustChangePassword ? { pwc: true as const } : {}),
        ses: subject.sessionStartedAt ?? iat,
      };
      const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return { token: `${body}.${mac(body).toString('base64url')}`, claims, expiresAt: new Date(claims.exp * 1000) };
    },
    verify(token, now) {
      const parts = token.split('.');
      if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return null;
      const [header, payload, signature] = parts as [string, string, string];
      if (header !== HEADER) return null;
      const expected = mac(`${header}.${payload}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      if (!isClaims(claims)) return null;
      return claims.exp * 1000 > now.getTime() ? claims : null;
    },
  };
}

// ---------------------------------------------------------------- revocation

export interface RevocationStore {
  /** True when the token was revoked, its user signed out everywhere after it was issued, or the user is disabled or changed role. */
  isRevoked(claims: AccessTokenClaims): Promise<boolean>;
  revoke(claims: Pick<AccessTokenClaims, 'jti' | 'sub' | 'exp'>, reason: string): Promise<void>;
  /** Every token of the user issued up to `at` stops working. */
  revokeAllForUser(userId: string, at: Date): Promise<void>;
}

export interface RevocationStoreOptions {
  now?: () => Date;
  /** How long a check result is reused; at most 5 s. */
  cacheMs?: number;
}

const MAX_CACHE_MS = 5_000;
const MAX_CACHE_ENTRIES = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createRevocationStore(sql: Sql, options: RevocationStoreOptions = {}): RevocationStore {
  const now = options.now ?? (() => new Date());
  const cacheMs = Math.min(options.cacheMs ?? MAX_CACHE_MS, MAX_CACHE_MS);
  const cache = new Map<string, { revoked: boolean; sub: string; until: number }>();

  const remember = (jti: string, sub: string, revoked: boolean) => {
    const at = Date.now();
    if (cache.size >= MAX_CACHE_ENTRIES) {
      for (const [key, entry] of cache) if (entry.until <= at) cache.delete(key);
      if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
    }
    cache.set(jti, { revoked, sub, until: at + cacheMs });
  };

  return {
    async isRevoked(claims) {
      const cached = cache.get(claims.jti);
      if (cached && cached.until > Date.now()) return cached.revoked;
      if (!UUID.test(claims.sub)) return true;
      const [row] = await sql<{ status: string; role: string; tokens_valid_after: Date | null; revoked: boolean }[]>`
        select u.status, u.role, u.tokens_valid_after,
               exists (select 1 from revoked_tokens r where r.jti = ${claims.jti}) as revoked
        from users u where u.id = ${claims.sub}`;
      const revoked =
        !row ||
        row.revoked ||
        row.status !== 'ACTIVE' ||
        row.role !== claims.role ||
        // A refreshed token carries its session's login time: a revocation ends the session, not
        // just the tokens issued before it (a refresh must not carry a session past it).
        (row.tokens_valid_after !== null &&
          Math.round((claims.ses ?? claims.iat) * 1000) <= row.tokens_valid_after.getTime());
      remember(claims.jti, claims.sub, revoked);
      return revoked;
    },
    async revoke(claims, reason) {
      const at = now();
      await sql`
        insert into revoked_tokens (jti, user_id, expires_at, revoked_at, reason)
        values (${claims.jti}, ${claims.sub}, ${new Date(claims.exp * 1000)}, ${at}, ${reason})
        on conflict (jti) do nothing`;
      await sql`delete from revoked_tokens where expires_at < ${new Date(at.getTime() - 86_400_000)}`;
      remember(claims.jti, claims.sub, true);
    },
    async revokeAllForUser(userId, at) {
      await sql`update users set tokens_valid_after = greatest(coalesce(tokens_valid_after, ${at}), ${at}) where id = ${userId}`;
      for (const [jti, entry] of cache) if (entry.sub === userId) cache.delete(jti);
    },
  };
}

// ---------------------------------------------------------------- API keys for front-end channels

export interface ApiKeyInfo {
  id: string;
  channel: string;
  keyPrefix: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyStore {
  /** The key is in the result only; the database keeps its SHA-256. */
  create(channel: string, createdBy: string, now: Date): Promise<ApiKeyInfo & { key: string }>;
  list(): Promise<ApiKeyInfo[]>;
  /** False when no active key has that id. */
  revoke(id: string, revokedBy: string, now: Date): Promise<boolean>;
  verify(key: string): Promise<{ channel: string } | null>;
}

export const API_KEY_PREFIX = 'mlk_';
const API_KEY_SHAPE = /^mlk_[A-Za-z0-9_-]{43}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function toInfo(row: Record<string, unknown>): ApiKeyInfo {
  return {
    id: row.id as string,
    channel: row.channel as string,
    keyPrefix: row.key_prefix as string,
    createdBy: row.created_by as string,
    createdAt: row.created_at as Date,
    revokedAt: (row.revoked_at as Date | null) ?? null,
  };
}

export function createApiKeyStore(sql: Sql, options: { cacheMs?: number } = {}): ApiKeyStore {
  const cacheMs = Math.min(options.cacheMs ?? MAX_CACHE_MS, MAX_CACHE_MS);
  const cache = new Map<string, { channel: string | null; until: number }>();

  return {
    async create(channel, createdBy, now) {
      const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const [row] = await sql`
        insert into api_keys (channel, key_hash, key_prefix, created_by, created_at)
        values (${channel}, ${sha256(key)}, ${key.slice(0, 10)}, ${createdBy}, ${now})
        returning *`;
      return { ...toInfo(row!), key };
    },
    async list() {
      return (await sql`select * from api_keys order by created_at desc, id`).map(toInfo);
    },
    async revoke(id, revokedBy, now) {
      const rows = await sql`
        update api_keys set revoked_at = ${now}, revoked_by = ${revokedBy}
        where id = ${id} and revoked_at is null returning key_hash`;
      for (const row of rows) cache.delete(row.key_hash as string);
      return rows.length > 0;
    },
    async verify(key) {
      if (!API_KEY_SHAPE.test(key)) return null;
      const hash = sha256(key);
      const cached = cache.get(hash);
      if (cached && cached.until > Date.now()) return cached.channel === null ? null : { channel: cached.channel };
      const [row] = await sql`select channel from api_keys where key_hash = ${hash} and revoked_at is null`;
      const channel = (row?.channel as string | undefined) ?? null;
      if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
      cache.set(hash, { channel, until: Date.now() + cacheMs });
      return channel === null ? null : { channel };
    },
  };
}
