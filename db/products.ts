import { defaultProducts } from '../domain/default-products.js';
import type { LoanProduct } from '../domain/products.js';
import type { LoanType } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';

/** Inserts the default product of each loan type unless one with that code exists. */
export async function seedDefaultProducts(sql: Sql): Promise<void> {
  for (const product of defaultProducts()) {
    await sql`
      insert into products (code, loan_type, definition)
      values (${product.code}, ${product.loanType}, ${sql.json(product as never)})
      on conflict (code) do nothing`;
  }
}

export async function findProduct(sql: Sql, code: string): Promise<LoanProduct | null> {
  const [row] = await sql<
    { definition: LoanProduct }[]
  >`select definition from products where code = ${code} and active`;
  return row?.definition ?? null;
}

/** The active product for a loan type: the one named, or the first active one of that type. */
export async function productForLoanType(sql: Sql, loanType: LoanType, code?: string): Promise<LoanProduct | null> {
  const [row] = await sql<{ definition: LoanProduct }[]>`
    select definition from products
    where loan_type = ${loanType} and active ${code ? sql`and code = ${code}` : sql``}
    order by code limit 1`;
  return row?.definition ?? null;
}

export async function listProducts(
  sql: Sql,
  includeInactive = false,
): Promise<Array<LoanProduct & { version: number; active: boolean }>> {
  const rows = await sql<{ definition: LoanProduct; version: number; active: boolean }[]>`
    select definition, version, active from products ${includeInactive ? sql`` : sql`where active`} order by loan_type, code`;
  return rows.map((r) => ({ ...r.definition, version: r.version, active: r.active }));
}

export async function saveProduct(
  sql: Sql,
  product: LoanProduct,
  updatedBy: string,
): Promise<{ version: number; created: boolean }> {
  const [row] = await sql<{ version: number; created: boolean }[]>`
    insert into products (code, loan_type, definition, updated_by)
    values (${product.code}, ${product.loanType}, ${sql.json(product as never)}, ${updatedBy})
    on conflict (code) do update set
      definition = excluded.definition, loan_type = excluded.loan_type, version = products.version + 1,
      updated_by = excluded.updated_by, updated_at = now(), active = true
    returning version, (xmax = 0) as created`;
  return row!;
}
