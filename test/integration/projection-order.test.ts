// The loan row is a projection of the workflow's events, written by activities that may complete
// in any order (task pick-up order is not guaranteed; a retried attempt lands late). A late, older
// event must never put back an older status, and may only fill fields still empty.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { createOriginationActivities, eventSequence } from '../../activities/origination.js';
import { seedDefaultProducts } from '../../db/products.js';
import { createLogger } from '../../lib/logger.js';
import '../setup/provided.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';

const stack = inject('stack');
let db: TestDatabase;
let record: ReturnType<typeof createOriginationActivities>['recordLoanEvent'];

beforeAll(async () => {
  db = await createTestDatabase(stack.databaseUrl.replace(/\/[^/]*$/, '/postgres'), 'projection');
  const deps = {
    sql: db.sql,
    config: { BUSINESS_TIME_ZONE: 'Asia/Shanghai' },
    log: createLogger('projection-test', 'silent'),
  } as unknown as ActivityDeps;
  const activities = createOriginationActivities(deps);
  record = activities.recordLoanEvent.bind(activities);
  await seedDefaultProducts(db.sql);
});

afterAll(async () => {
  await db?.drop();
});

async function newLoan(status: string): Promise<string> {
  const [user] = await db.sql<
    { id: string }[]
  >`insert into users (role, phone_hash, password_hash) values ('BORROWER', ${randomUUID()}, '!') returning id`;
  const loanId = `loan-20261128-${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  await db.sql`
    insert into loans (id, borrower_id, loan_type, product_code, amount, term_count, method, annual_rate, channel, created_by, status, application_enc)
    values (${loanId}, ${user!.id}, 'PERSONAL_CONSUMER', 'CONSUMER_STD', '8000.00', 12, 'EQUAL_INSTALLMENT', '0.12', 'ONLINE', ${user!.id}, ${status}, 'sealed')`;
  return loanId;
}

const event = (
  loanId: string,
  sequence: number,
  kind: string,
  status: string,
  projection: Record<string, unknown> = {},
) => ({
  loanId,
  eventKey: `${sequence}:${kind}`,
  kind,
  at: new Date(Date.UTC(2026, 10, 28, 8, 0, sequence)).toISOString(),
  text: { zh: kind, en: kind },
  detail: {},
  status: status as never,
  projection,
});

const row = async (loanId: string) =>
  (
    await db.sql<
      {
        status: string;
        contract_sha256: string | null;
        offer: unknown;
        closed_at: Date | null;
        projection_seq: number;
      }[]
    >`
    select status, contract_sha256, offer, closed_at, projection_seq from loans where id = ${loanId}`
  )[0]!;

describe('the loan projection', () => {
  it('keeps the newest status when an older event is written after it', async () => {
    const loanId = await newLoan('DISBURSING');
    await record(event(loanId, 41, 'STATUS_PAID_OFF', 'PAID_OFF', { closed: true }));
    await record(event(loanId, 40, 'REPAYMENT_RECEIVED', 'ACTIVE'));
    expect(await row(loanId)).toMatchObject({ status: 'PAID_OFF', projection_seq: 41 });
    expect((await row(loanId)).closed_at).not.toBeNull();
    // Both events are in the timeline, whatever order they arrived in.
    expect(
      (await db.sql`select event_key from loan_events where loan_id = ${loanId} order by event_key`).map(
        (r) => r.event_key,
      ),
    ).toEqual(['40:REPAYMENT_RECEIVED', '41:STATUS_PAID_OFF']);
  });

  it('lets a late event fill a field still empty, but not replace a newer value', async () => {
    const loanId = await newLoan('ASSESSING');
    await record(
      event(loanId, 8, 'STATUS_AWAITING_SIGNATURE', 'AWAITING_SIGNATURE', { contractSha256: 'b'.repeat(64) }),
    );
    await record(
      event(loanId, 7, 'OFFER_MADE', 'ASSESSING', { offer: { amount: '8000.00' }, contractSha256: 'a'.repeat(64) }),
    );
    expect(await row(loanId)).toMatchObject({
      status: 'AWAITING_SIGNATURE',
      contract_sha256: 'b'.repeat(64),
      offer: { amount: '8000.00' },
      projection_seq: 8,
    });
  });

  it('applies events in order as usual, and a repeated event only once', async () => {
    const loanId = await newLoan('ASSESSING');
    await record(
      event(loanId, 1, 'STATUS_AWAITING_SIGNATURE', 'AWAITING_SIGNATURE', { contractSha256: 'a'.repeat(64) }),
    );
    await record(event(loanId, 2, 'STATUS_DISBURSING', 'DISBURSING', { contractSha256: 'c'.repeat(64) }));
    await record(
      event(loanId, 1, 'STATUS_AWAITING_SIGNATURE', 'AWAITING_SIGNATURE', { contractSha256: 'a'.repeat(64) }),
    );
    expect(await row(loanId)).toMatchObject({
      status: 'DISBURSING',
      contract_sha256: 'c'.repeat(64),
      projection_seq: 2,
    });
  });

  it('stores view fields while another write of the same loan holds a row that refers to it', async () => {
    // Two projection writes of one loan at once (a repayment's and a status event's): the other one
    // has inserted a row referring to the loan, which keys-share-locks the loan row until it commits,
    // and will update the loan row next. Locking the row FOR UPDATE to merge the view fields waited on
    // that key-share lock while the other write waited on this one's update: a deadlock (40P01).
    const loanId = await newLoan('ACTIVE');
    let inserted!: () => void;
    let release!: () => void;
    const otherInserted = new Promise<void>((r) => (inserted = r));
    const released = new Promise<void>((r) => (release = r));
    const other = db.sql.begin(async (tx) => {
      await tx`insert into loan_events (loan_id, event_key, kind, detail, at) values (${loanId}, '60:OTHER_WRITE', 'OTHER_WRITE', '{}', now())`;
      inserted();
      await released;
      await tx`update loans set projection_seq = greatest(projection_seq, 60), updated_at = now() where id = ${loanId}`;
    });
    await otherInserted;
    const settled = { done: false };
    const recorded = record({
      ...event(loanId, 61, 'STATUS_ACTIVE', 'ACTIVE'),
      view: { closedReason: 'still open' },
      viewStamp: [0, 61, 0],
    }).finally(() => (settled.done = true));
    // Let the write run until it finishes or waits on a lock, then let the other one go on.
    for (let i = 0; i < 100 && !settled.done; i++) {
      const [waiting] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
      if (waiting!.n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    release();
    const outcomes = await Promise.allSettled([recorded, other]);
    expect(
      outcomes.map((o) => (o.status === 'rejected' ? String((o.reason as { code?: string }).code ?? o.reason) : 'ok')),
    ).toEqual(['ok', 'ok']);
    const [stored] = await db.sql<
      { view_fields: Record<string, unknown> }[]
    >`select view_fields from loans where id = ${loanId}`;
    expect(stored!.view_fields).toMatchObject({ closedReason: 'still open' });
    expect(await row(loanId)).toMatchObject({ status: 'ACTIVE', projection_seq: 61 });
  });

  it('reads the sequence number from the event key, and refuses a key without one', () => {
    expect(eventSequence('12:STATUS_ACTIVE')).toBe(12);
    expect(() => eventSequence('STATUS_ACTIVE')).toThrow(/sequence/);
  });
});
