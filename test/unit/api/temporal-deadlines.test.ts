// The API's Temporal calls are bounded: against a port nobody listens on, or a server that accepts
// connections and never answers, a workflow call ends in a 503 ApiError within its deadline, and
// the readiness probe reports Temporal down within ~2 s. Real gRPC over loopback, no Temporal.
import { Client, Connection, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readiness } from '../../../api/app.js';
import { ApiError } from '../../../api/errors.js';
import { callWorkflow, temporalConnectionOptions, workflowServiceUnavailable } from '../../../api/workflow-errors.js';
import type { Sql } from '../../../lib/db-client.js';
import { freePort } from '../../../lib/ports.js';
import { loanViewQuery, repayUpdate } from '../../../contracts/definitions.js';

const CALL_MS = 1_000;
const UPDATE_MS = 1_500;
const reachableDb = (() => Promise.resolve([])) as unknown as Sql;

function client(address: string): { connection: Connection; client: Client } {
  const connection = Connection.lazy(
    temporalConnectionOptions({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_CALL_TIMEOUT_MS: CALL_MS,
      TEMPORAL_UPDATE_TIMEOUT_MS: UPDATE_MS,
    }),
  );
  return { connection, client: new Client({ connection }) };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result?: T; error?: unknown }> {
  const started = performance.now();
  try {
    const result = await fn();
    return { ms: performance.now() - started, result };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

const repay = {
  paymentId: 'p-1',
  amount: '10.00',
  channel: 'CASH' as const,
  receivedOn: '2026-01-01',
  recordedBy: { userId: 'u', role: 'FINANCE' as const },
};

describe('mapping Temporal failures', () => {
  it('answers 503 for a deadline, an unavailable server and a full update queue, never 500', () => {
    for (const code of [4, 14, 8]) {
      const mapped = workflowServiceUnavailable(
        new ServiceError('Failed to query Workflow', { cause: Object.assign(new Error('x'), { code }) }),
      );
      expect(mapped).toBeInstanceOf(ApiError);
      expect(mapped).toMatchObject({
        status: 503,
        code: 'WORKFLOW_SERVICE_UNAVAILABLE',
        text: { zh: expect.any(String), en: expect.any(String) },
      });
    }
    const lateUpdate = workflowServiceUnavailable(
      new WorkflowUpdateRPCTimeoutOrCancelledError('Deadline exceeded', {
        cause: Object.assign(new Error('x'), { code: 4 }),
      }),
    );
    expect(lateUpdate).toMatchObject({ status: 503, code: 'WORKFLOW_TIMEOUT' });
    expect(workflowServiceUnavailable(new Error('boom'))).toBeNull();
  });

  it("answers 503 to an update refused while the loan's workflow task is failing (an overloaded worker timed it out)", async () => {
    // As the client throws it: the server refuses the update before accepting it, so a retry is safe.
    const refused = () =>
      Promise.reject(
        new ServiceError('Workflow Update failed', {
          cause: Object.assign(
            new Error(
              '9 FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.',
            ),
            { code: 9 },
          ),
        }),
      );
    await expect(callWorkflow(refused)).rejects.toMatchObject({ status: 503, code: 'WORKFLOW_SERVICE_UNAVAILABLE' });
    // Another failed precondition is not a passing state of the worker, and is not turned into a 503.
    const other = new ServiceError('Workflow Update failed', {
      cause: Object.assign(new Error('9 FAILED_PRECONDITION: something else'), { code: 9 }),
    });
    expect(workflowServiceUnavailable(other)).toBeNull();
  });
});

describe('against a port nobody listens on', () => {
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    c = client(`127.0.0.1:${await freePort()}`);
  });
  afterAll(async () => {
    await c.connection.close();
  });

  it('answers a query with 503 promptly instead of retrying for ~20 s', async () => {
    const { ms, error } = await timed(() =>
      callWorkflow(() => c.client.workflow.getHandle('loan-x').query(loanViewQuery)),
    );
    expect(error).toMatchObject({ status: 503, code: 'WORKFLOW_SERVICE_UNAVAILABLE' });
    expect(ms).toBeLessThan(CALL_MS + 500);
  });

  it('answers an update, a signal and a start with 503 promptly', async () => {
    const handle = c.client.workflow.getHandle('loan-x');
    for (const call of [
      (): Promise<unknown> => handle.executeUpdate(repayUpdate, { args: [repay] }),
      () => handle.signal('documentUploaded', {}),
      () => c.client.workflow.start('loanWorkflow', { workflowId: 'loan-y', taskQueue: 'loans', args: [] }),
    ]) {
      const { ms, error } = await timed(() => callWorkflow(call));
      expect(error).toMatchObject({ status: 503, code: 'WORKFLOW_SERVICE_UNAVAILABLE' });
      expect(ms).toBeLessThan(2_000);
    }
  });

  it('reports Temporal down from the readiness probe within 2–3 s', async () => {
    const { ms, result } = await timed(() => readiness({ sql: reachableDb, temporal: c.client }));
    expect(result).toEqual({ status: 'unavailable', checks: { db: 'ok', temporal: 'down' } });
    expect(ms).toBeLessThan(2_500);
  });
});

describe('against a server that accepts connections and never answers', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    c = client(`127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await c.connection.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends a query at its deadline with 503', async () => {
    const { ms, error } = await timed(() =>
      callWorkflow(() => c.client.workflow.getHandle('loan-x').query(loanViewQuery)),
    );
    expect(error).toMatchObject({ status: 503, code: 'WORKFLOW_SERVICE_UNAVAILABLE' });
    expect(ms).toBeGreaterThanOrEqual(CALL_MS - 100);
    expect(ms).toBeLessThan(CALL_MS + 1_000);
  });

  it('ends an update at the update deadline with a 503 that says it may still take effect', async () => {
    const { ms, error } = await timed(() =>
      callWorkflow(() => c.client.workflow.getHandle('loan-x').executeUpdate(repayUpdate, { args: [repay] })),
    );
    expect(error).toMatchObject({ status: 503, code: 'WORKFLOW_TIMEOUT' });
    expect(ms).toBeGreaterThanOrEqual(UPDATE_MS - 100);
    expect(ms).toBeLessThan(UPDATE_MS + 1_000);
  });

  it('reports Temporal down from the readiness probe within 2–3 s', async () => {
    const { ms, result } = await timed(() => readiness({ sql: reachableDb, temporal: c.client }));
    expect(result).toEqual({ status: 'unavailable', checks: { db: 'ok', temporal: 'down' } });
    expect(ms).toBeGreaterThanOrEqual(1_900);
    expect(ms).toBeLessThan(3_000);
  });
});
