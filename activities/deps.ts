import type { Config } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import type { BankClient } from '../partners/bank-client.js';
import type { BureauClient } from '../partners/bureau-client.js';
import type { NotifyClient } from '../partners/notify-client.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { Keyring } from '../security/keyring.js';

/** Everything activities touch, injected by the worker; tests inject their own. */
export interface ActivityDeps {
  config: Pick<Config, 'PUBLIC_API_URL' | 'COMPANY_NAME' | 'BUSINESS_TIME_ZONE'>;
  sql: Sql;
  log: Logger;
  cipher: FieldCipher;
  keyring: Keyring;
  bank: BankClient;
  bureau: BureauClient;
  notify: NotifyClient;
}
