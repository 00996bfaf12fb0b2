// The API's OpenAPI document as /openapi.json serves it, built in process: the real route modules
// and security, with a database and a Temporal client that connect lazily and are never called.
import { Client } from '@temporalio/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../../api/build-api.js';
import { loadConfig } from '../../config/index.js';
import { connectDb } from '../../lib/db-client.js';
import { createLogger } from '../../lib/logger.js';
import { createSecurity } from '../../security/authenticator.js';
import { generateKeyring } from '../../security/keyring.js';
import type { OpenApiDocument } from './schema-walk.js';

export async function servedOpenApiDocument(): Promise<OpenApiDocument> {
  const config = loadConfig({
    APP_MODE: 'local',
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'openapi-')),
  });
  const sql = connectDb('postgres://nobody@127.0.0.1:9/none', { max: 1 });
  const security = createSecurity({ config, sql, keyring: generateKeyring() });
  const app = buildApi(
    {
      config,
      sql,
      temporal: new Client(),
      log: createLogger('openapi-document', 'silent'),
      auth: security.auth,
      keyring: security.keyring,
      cipher: security.cipher,
      now: () => new Date(),
    },
    security,
  );
  const response = await app.request('/openapi.json');
  return (await response.json()) as OpenApiDocument;
}
