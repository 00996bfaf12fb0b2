// The PostgreSQL connection every layer shares (postgres.js), and the Sql types it hands out.
import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, unknown>>;
export type TransactionSql = postgres.TransactionSql<Record<string, unknown>>;

export interface DbOptions {
  max?: number;
  /** Label shown in pg_stat_activity. */
  applicationName?: string;
}

/** NUMERIC columns come back as strings (postgres.js default), which is what money needs. */
export function connectDb(databaseUrl: string, options: DbOptions = {}): Sql {
  return postgres(databaseUrl, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'microloan' },
    types: {
      // DATE columns stay "YYYY-MM-DD" strings: due dates are local dates, not instants.
      date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
    },
  }) as unknown as Sql;
}

export async function isDbReachable(sql: Sql): Promise<boolean> {
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  }
}
