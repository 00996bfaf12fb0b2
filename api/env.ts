import type { Client } from '@temporalio/client';
import type { Config } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { AuthUser, Authenticator } from '../security/authenticator.js';
import type { Keyring } from '../security/keyring.js';

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
