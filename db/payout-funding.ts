// BANK never goes below zero: a payout is reserved against the ledger's BANK balance before its
// transfer is asked for, under an advisory lock, so two payouts at once cannot both spend the
// same money. What BANK can cover = its balance − payouts reserved and not yet posted.
import { money, sum, toMoney } from '../domain/money.js';
import type { Money } from '../domain/types.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import { bankBalance } from './ledger-books.js';

/** How long a reservation the bank has no transfer for is kept (the attempt that made it is long over). */
const ORPHAN_AFTER_MS = 2 * 60_000;
const PAYOUT_LOCK_KEY = 7318450022;

export type TransferState = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN_TO_BANK';

export interface OpenReservation {
  idempotencyKey: string;
  amount: Money;
  reservedAt: Date;
}

async function openReservations(tx: TransactionSql): Promise<OpenReservation[]> {
  const rows = await tx<{ idempotency_key: string; amount: string; reserved_at: Date }[]>`
    select r.idempotency_key, r.amount::text, r.reserved_at from payout_reservations r
    where r.released_at is null
      and not exists (select 1 from journal_entries e where e.external_ref = r.idempotency_key and e.kind = 'DISBURSEMENT')
    order by r.reserved_at
    limit 1000`;
  return rows.map((r) => ({ idempotencyKey: r.idempotency_key, amount: toMoney(r.amount), reservedAt: r.reserved_at }));
}

export type ReserveOutcome = { ok: true } | { ok: false; balance: Money; reserved: Money; needed: Money };

/**
 * Reserves `amount` for the payout under `idempotencyKey` when BANK can cover it. A retry of a
 * payout already reserved is ok at once. Reservations older than a few minutes whose transfer the
 * bank failed or never received are released first (`stateOf` asks the bank).
 */
export async function reservePayout(
  sql: Sql,
  p: { idempotencyKey: string; loanId: string; amount: Money; now: Date },
  stateOf: (idempotencyKey: string) => Promise<TransferState>,
): Promise<ReserveOutcome> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${PAYOUT_LOCK_KEY})`;
    const [mine] = await tx<{ released_at: Date | null }[]>`
      select released_at from payout_reservations where idempotency_key = ${p.idempotencyKey}`;
    if (mine && mine.released_at === null) return { ok: true } as const;
    let open = (await openReservations(tx)).filter((r) => r.idempotencyKey !== p.idempotencyKey);
    for (const r of open.filter((x) => p.now.getTime() - x.reservedAt.getTime() > ORPHAN_AFTER_MS)) {
      const state = await stateOf(r.idempotencyKey);
      if (state === 'FAILED' || state === 'UNKNOWN_TO_BANK') {
        await tx`update payout_reservations set released_at = now() where idempotency_key = ${r.idempotencyKey}`;
        open = open.filter((x) => x.idempotencyKey !== r.idempotencyKey);
      }
    }
    const balance = money(await bankBalance(tx));
    const reserved = sum(open.map((r) => money(r.amount)));
    if (balance.minus(reserved).lt(money(p.amount)))
      return { ok: false, balance: toMoney(balance), reserved: toMoney(reserved), needed: p.amount } as const;
    await tx`
      insert into payout_reservations (idempotency_key, loan_id, amount) values (${p.idempotencyKey}, ${p.loanId}, ${p.amount})
      on conflict (idempotency_key) do update set released_at = null, amount = excluded.amount, reserved_at = now()`;
    return { ok: true } as const;
  });
}

/** The bank refused the transfer for good: its money is free again. */
export async function releasePayout(sql: Sql, idempotencyKey: string): Promise<void> {
  await sql`update payout_reservations set released_at = now() where idempotency_key = ${idempotencyKey} and released_at is null`;
}
