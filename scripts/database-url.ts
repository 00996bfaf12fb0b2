import { ConfigError, type Config } from '../config/index.js';

/** DATABASE_URL, or in local mode the embedded PostgreSQL `npm start` runs (scripts/start-stack.ts). */
export function localDatabaseUrl(config: Pick<Config, 'DATABASE_URL' | 'APP_MODE'>): string {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  if (config.APP_MODE !== 'local') throw new ConfigError('DATABASE_URL', 'must be set');
  return `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? '5433'}/microloan`;
}
