import type { Client } from '@temporalio/client';
import type { Config } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import type { Role } from '../domain/types.js';
import type { Logger } from '../lib/logger.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { Keyring } from '../security/keyring.js';

export interface AuthUser {
  userId: string;
  username: string;
  role: Role;
  /** Id of the access token, for revocation and audit. */
  tokenId: string;
  /** The front-end channel that presented an API key, if any. */
  channel?: string;
}

/** Verifies bearer tokens and channel API keys; implemented in security/. */
export interface Authenticator {
  verifyToken(token: string): Promise<AuthUser | null>;
  verifyApiKey(key: string): Promise<{ channel: string } | null>;
}

/** What every route module gets. Built once per process in api/main.ts, or by tests. */
export interface ApiDeps {
  config: Config;
  sql: Sql;
  temporal: Client;
  log: Logger;
  auth: Authenticator;
  keyring: Keyring;
  cipher: FieldCipher;
  /** Injectable clock for tests; production passes () => new Date(). */
  now: () => Date;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    user?: AuthUser;
    channel?: string;
  };
}
