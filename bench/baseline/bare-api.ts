// The bare baseline of the API bench: a plain Hono app with no middleware (no auth, no
// validation layer, no database, no audit) that makes the same call as each real route:
//   POST /quotes        quote() on the same body (the real route makes no Temporal call either)
//   POST /applications  starts a workflow with the same options and data converter, on the bare
//                       worker's queue, where it runs as many activities as a new loan does
//                       before it waits for documents (BARE_START_BATCHES, e.g. "1,1,2")
//   GET  /loans/:id     the same database reads of the same (real) loan (api/loan-view.ts), without
//                       scoping, audit or the applicant's decryption
// Settings: PORT, TEMPORAL_ADDRESS, DATABASE_URL, BARE_TASK_QUEUE, BARE_START_BATCHES, DATA_DIR (for the keys).
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config/index.js';
import { localDateOf } from '../../domain/business-time.js';
import { quote, validateQuoteRequest } from '../../domain/quote.js';
import { exitWhenParentDies } from '../../lib/managed-process.js';
import { loadKeyring } from '../../security/keyring.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import type { LoanRecord } from '../../api/loan-access.js';
import { readLoanView } from '../../api/loan-view.js';
import { connectDb } from '../../lib/db-client.js';
import { LoanAmountKey, LoanStatusKey, LoanTypeKey } from '../../contracts/search-attributes.js';

async function main() {
  const config = loadConfig();
  const taskQueue = process.env.BARE_TASK_QUEUE ?? 'bench-bare';
  const startBatches = (process.env.BARE_START_BATCHES ?? '1').split(',').map(Number);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
  const client = new Client({ connection, dataConverter: temporalDataConverter(loadKeyring(config)) });
  const sql = connectDb(config.DATABASE_URL!, { max: 10, applicationName: 'bare-api' });
  const app = new Hono();

  app.post('/quotes', async (c) => {
    const checked = validateQuoteRequest(await c.req.json(), localDateOf(Date.now(), config.BUSINESS_TIME_ZONE));
    if (!checked.ok) return c.json({ problems: checked.problems }, 422);
    return c.json(quote(checked.value));
  });

  app.post('/applications', async (c) => {
    const body = await c.req.json<{ amount?: string; loanType?: string }>();
    const workflowId = `bare-${randomUUID()}`;
    await client.workflow.start('bareIntake', {
      workflowId,
      taskQueue,
      args: [
        {
          batches: startBatches,
          payload: { kind: 'ORIGINATION', input: body, options: { timeZone: config.BUSINESS_TIME_ZONE } },
        },
      ],
      typedSearchAttributes: [
        { key: LoanStatusKey, value: 'AWAITING_DOCUMENTS' },
        { key: LoanTypeKey, value: body.loanType ?? 'PERSONAL_CONSUMER' },
        { key: LoanAmountKey, value: Number(body.amount ?? 0) },
      ],
    });
    return c.json({ loanId: workflowId }, 201);
  });

  app.get('/loans/:id', async (c) => {
    const [loan] = await sql<LoanRecord[]>`select * from loans where id = ${c.req.param('id')}`;
    if (!loan) return c.json({ error: 'not found' }, 404);
    return c.json(await readLoanView(sql, loan));
  });

  serve({ fetch: app.fetch, port: config.PORT, hostname: '127.0.0.1' });
  console.log(`bare api listening on ${config.PORT}`);
}

exitWhenParentDies();
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
