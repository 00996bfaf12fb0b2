import type { PayloadCodec } from '@temporalio/common';
import type { Config } from '../config/index.js';
import type { Role } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import { useAuditChainKey } from './audit.js';
import { createFieldCipher, type FieldCipher } from './field-crypto.js';
import { loadKeyring, type Keyring } from './keyring.js';
import { createLoginThrottle, type LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import { createPayloadCodec } from './payload-codec.js';
import {
  createApiKeyStore,
  createRevocationStore,
  createTokenSigner,
  resolveTokenSecret,
  tokenTtlSeconds,
  type ApiKeyStore,
  type RevocationStore,
  type TokenSigner,
} from './tokens.js';

export interface AuthUser {
  userId: string;
  username: string;
  role: Role;
  /** Id of the access token, for revocation and audit. */
  tokenId: string;
  /** The front-end channel that presented an API key, if any. */
  channel?: string;
  /** Signed in with a temporary password: every route but the password change answers 403. */
  mustChangePassword?: boolean;
  /** When the session began (seconds since the epoch): the login, however often the token was refreshed. */
  sessionStartedAt?: number;
}

/** Verifies bearer tokens and channel API keys; built by createAuthenticator. */
export interface Authenticator {
  verifyToken(token: string): Promise<AuthUser | null>;
  verifyApiKey(key: string): Promise<{ channel: string } | null>;
}

export interface AuthenticatorParts {
  signer: TokenSigner;
  revocations: RevocationStore;
  apiKeys: ApiKeyStore;
  now: () => Date;
}

/** Bearer tokens: signature, expiry, then revocation (cached ≤ 5 s). API keys: by their SHA-256. */
export function createAuthenticator(parts: AuthenticatorParts): Authenticator {
  return {
    async verifyToken(token): Promise<AuthUser | null> {
      const claims = parts.signer.verify(token, parts.now());
      if (!claims || (await parts.revocations.isRevoked(claims))) return null;
      return {
        userId: claims.sub,
        username: claims.username,
        role: claims.role,
        tokenId: claims.jti,
        ...(claims.pwc ? { mustChangePassword: true } : {}),
        sessionStartedAt: claims.ses ?? claims.iat,
      };
    },
    verifyApiKey: (key) => parts.apiKeys.verify(key),
  };
}

/** Everything the security routes and the API process need, built once per process. */
export interface Security {
  sql: Sql;
  now: () => Date;
  keyring: Keyring;
  cipher: FieldCipher;
  codec: PayloadCodec;
  signer: TokenSigner;
  revocations: RevocationStore;
  apiKeys: ApiKeyStore;
  throttle: LoginThrottle;
  auth: Authenticator;
}

export interface SecurityOptions {
  config: Config;
  sql: Sql;
  now?: () => Date;
  /** Defaults to loadKeyring(config). */
  keyring?: Keyring;
  /** Read for DATA_HMAC_KEY and ACCESS_TOKEN_TTL_MINUTES; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  throttle?: LoginThrottleOptions;
}

export function createSecurity(options: SecurityOptions): Security {
  const { config, sql } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const keyring = options.keyring ?? loadKeyring(config, env);
  // This process appends audit rows keyed with the installation's chain key.
  useAuditChainKey(keyring);
  const signer = createTokenSigner(resolveTokenSecret(config, keyring), { ttlSeconds: tokenTtlSeconds(env) });
  const revocations = createRevocationStore(sql, { now });
  const apiKeys = createApiKeyStore(sql);
  return {
    sql,
    now,
    keyring,
    cipher: createFieldCipher(keyring),
    codec: createPayloadCodec(keyring),
    signer,
    revocations,
    apiKeys,
    throttle: createLoginThrottle(sql, options.throttle),
    auth: createAuthenticator({ signer, revocations, apiKeys, now }),
  };
}
