// Run as a child process by test/drills/postgres-driver.test.ts, with DATABASE_URL set.
// It uses postgres.js the way the services do (lib/db-client.ts) while the server closes its
// connections under it (pg_terminate_backend, as a restart does), and prints one JSON line with
// what happened. Unpatched postgres.js 3.4.9 kills this process instead with an uncaught
// "TypeError: Cannot read properties of null (reading 'write')" from Immediate.nextWrite:
// a write deferred with setImmediate runs after the connection's socket is gone
// (porsager/postgres#1154, #1066, #1208).
import { connectDb } from '../../../lib/db-client.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const LOOP_MS = Number(process.env.DRIVER_LOOP_MS ?? 4_000);

const sql = connectDb(url, { max: 4, applicationName: 'driver-victim' });
const killer = connectDb(url, { max: 1, applicationName: 'driver-killer' });
const outcome = { transactionRolledBack: false, reservedRejected: false, afterwards: false, loopOk: 0, loopFailed: 0 };
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A bounded wait, so a query the driver leaves pending fails the run rather than hanging it.
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms),
    ),
  ]);
}

// 1. A transaction whose backend dies mid-query: postgres.js then sends its own ROLLBACK on the
//    dead connection (the write that crashed on the null socket).
//    The outcome is taken as soon as the transaction settles: it can reject while the killer's
//    own query is still in flight, and a rejection nobody handles yet would end this process.
let pid: number | null = null;
const txRolledBack = sql
  .begin(async (t) => {
    const [row] = await t<{ pid: number }[]>`select pg_backend_pid() as pid`;
    pid = row!.pid;
    await t`select pg_sleep(5)`;
  })
  .then(
    () => false,
    () => true,
  );
while (pid === null) await settle(20);
await killer`select pg_terminate_backend(${pid})`;
outcome.transactionRolledBack = await within(txRolledBack, 10_000, 'the interrupted transaction');
await settle(200);

// 2. A reserved connection whose backend was terminated: the next query on it.
const reserved = await sql.reserve();
const [reservedRow] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
const reservedPid = reservedRow!.pid;
await killer`select pg_terminate_backend(${reservedPid})`;
await settle(200);
await within(reserved`select 1`, 10_000, 'a query on the reserved connection').catch(() => {});
await within(reserved`select 1`, 10_000, 'a second query on the reserved connection').then(
  () => {},
  () => (outcome.reservedRejected = true),
);
reserved.release();

// 3. Small queries and transactions in a tight loop while every one of our backends is
//    terminated again and again.
const deadline = Date.now() + LOOP_MS;
const workers = Array.from({ length: 6 }, async (_, i) => {
  while (Date.now() < deadline) {
    try {
      if (i % 2) await sql`select ${i}::int as n`;
      else
        await sql.begin(async (t) => {
          await t`select 1`;
          await t`select pg_sleep(0.01)`;
        });
      outcome.loopOk++;
    } catch {
      outcome.loopFailed++;
    }
  }
});
const terminator = (async () => {
  while (Date.now() < deadline) {
    await killer`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'driver-victim'`.catch(
      () => {},
    );
    await settle(50 + Math.random() * 100);
  }
})();
await Promise.all([...workers, terminator]);

// 4. The pool still works afterwards.
const [after] = await within(sql<{ n: number }[]>`select 42::int as n`, 15_000, 'a query after the terminations');
outcome.afterwards = after!.n === 42;

await within(Promise.all([sql.end({ timeout: 2 }), killer.end({ timeout: 2 })]), 10_000, 'closing the pools');
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);
