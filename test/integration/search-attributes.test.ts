// The API registers the loan's custom search attributes on whichever Temporal it connects to, and
// /readyz answers 503 naming any the namespace still lacks (issue 17: on a cluster nothing
// registered them, readiness said ok, and every application failed). Against the stack's real
// Temporal, on fresh namespaces of its own.
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readiness } from '../../api/app.js';
import { missingSearchAttributes, registerSearchAttributes } from '../../api/search-attributes.js';
import { connectDb } from '../../lib/db-client.js';
import '../setup/provided.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const stack = inject('stack');
const sql = connectDb(stack.databaseUrl, { max: 1, applicationName: 'search-attributes-test' });
const OURS = ['LoanStatus', 'LoanType', 'LoanAmount', 'BorrowerHash'];
let connection: Connection;

/** A new namespace, once the server answers for it. */
async function freshNamespace(): Promise<string> {
  const namespace = `sa-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  await expect
    .poll(
      () =>
        connection.operatorService.listSearchAttributes({ namespace }).then(
          () => true,
          () => false,
        ),
      { timeout: 60_000, interval: 500 },
    )
    .toBe(true);
  return namespace;
}

const readinessOf = (namespace: string) => readiness({ sql, temporal: new Client({ connection, namespace }) });

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
});

afterAll(async () => {
  await connection?.close();
  await sql.end();
});

describe('search attributes', { timeout: 120_000 }, () => {
  it("the stack's /readyz reports them registered", async () => {
    const answer = await fetch(new URL('/readyz', stack.apiUrl));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      status: 'ok',
      checks: { db: 'ok', temporal: 'ok', searchAttributes: 'ok' },
    });
  });

  it('readiness is 503 naming every one a namespace lacks; registering them makes it ready, and registering again is harmless', async () => {
    const namespace = await freshNamespace();
    expect(await readinessOf(namespace)).toEqual({
      status: 'unavailable',
      checks: { db: 'ok', temporal: 'ok', searchAttributes: 'missing' },
      missingSearchAttributes: OURS,
    });

    expect(await registerSearchAttributes(connection.operatorService, namespace)).toEqual([]);
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    expect(listed.customAttributes).toMatchObject({
      LoanStatus: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      LoanType: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      LoanAmount: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
      BorrowerHash: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    });
    expect(await readinessOf(namespace)).toEqual({
      status: 'ok',
      checks: { db: 'ok', temporal: 'ok', searchAttributes: 'ok' },
    });
    // A second API process starting at the same moment finds them there.
    expect(await registerSearchAttributes(connection.operatorService, namespace)).toEqual([]);
  });

  it('names one registered under another type, registers the rest, and readiness stays 503', async () => {
    const namespace = await freshNamespace();
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { LoanAmount: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    const stillMissing = ['LoanAmount (DOUBLE, registered as KEYWORD)'];
    expect(await registerSearchAttributes(connection.operatorService, namespace)).toEqual(stillMissing);
    expect(await missingSearchAttributes(connection.operatorService, namespace)).toEqual(stillMissing);
    expect(await readinessOf(namespace)).toMatchObject({
      status: 'unavailable',
      missingSearchAttributes: stillMissing,
    });
  });
});
