// Storing the view fields a workflow hands over (contracts/view-fields.ts) in loans.view_fields.
// Each field keeps the stamp of the write that set it, so writes landing out of order (a late or
// retried activity, two handlers' activities at once) still leave the latest state of every field.
import type { Sql, TransactionSql } from '../lib/db-client.js';
import type { ViewHandover, ViewPatch, ViewStamp } from '../contracts/view-fields.js';

type Stamps = Record<string, ViewStamp>;

export function compareStamps(a: ViewStamp, b: ViewStamp): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The fields after a write: each field of the patch wins unless a later write already set it. */
export function mergeViewFields(
  fields: Record<string, unknown>,
  stamps: Stamps,
  patch: ViewPatch,
  stamp: ViewStamp,
): { fields: Record<string, unknown>; stamps: Stamps; changed: boolean } {
  const next = { fields: { ...fields }, stamps: { ...stamps }, changed: false };
  for (const [field, value] of Object.entries(patch)) {
    const held = stamps[field];
    if (held && compareStamps(stamp, held) < 0) continue;
    if (value === null) delete next.fields[field];
    else next.fields[field] = value;
    next.stamps[field] = stamp;
    next.changed = true;
  }
  return next;
}

/** Applies a handover to the loan's row; call inside the transaction of the write it came with. */
export async function storeViewFields(
  tx: Sql | TransactionSql,
  loanId: string,
  handover: Partial<ViewHandover>,
): Promise<void> {
  if (!handover.view || !handover.viewStamp) return;
  // FOR NO KEY UPDATE, the lock an UPDATE of the row takes: it orders this merge after any other
  // write of the row. FOR UPDATE would also wait on the key-share locks that inserts referring to the
  // loan take (a repayment, a loan event of another write in flight), which then waits on this
  // transaction's own update of the row: a deadlock.
  const [row] = await tx<{ view_fields: Record<string, unknown>; view_field_stamps: Stamps }[]>`
    select view_fields, view_field_stamps from loans where id = ${loanId} for no key update`;
  if (!row) return;
  const merged = mergeViewFields(row.view_fields, row.view_field_stamps, handover.view, handover.viewStamp);
  if (!merged.changed) return;
  await tx`update loans set view_fields = ${tx.json(merged.fields as never)}, view_field_stamps = ${tx.json(merged.stamps)} where id = ${loanId}`;
}
