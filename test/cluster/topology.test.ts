// The cluster suite's stack is the production shape `npm run start:cluster` runs: the Temporal
// server built from the Go module on PostgreSQL with 16 history shards, separate persistence and
// visibility databases, the loans' search attributes registered, Temporal Web with write actions
// off; two worker processes polling the loans' task queue and two API processes behind one port.
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_HISTORY_SHARDS } from '../../ops/temporal-cluster.js';
import { LOAN_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import '../setup/provided.js';

const stack = inject('stack');
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: stack.temporalAddress });
});

afterAll(async () => {
  await connection?.close();
});

describe('the cluster topology', () => {
  it('is the full Temporal server 1.32.2 with the stated shard count and PostgreSQL for persistence and visibility', async () => {
    const info = await connection.workflowService.getClusterInfo({});
    expect(info.serverVersion).toBe('1.32.2');
    expect(info.historyShardCount).toBe(LOCAL_HISTORY_SHARDS);
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');
  });

  it('keeps persistence and visibility in two databases of their own, apart from the application database', async () => {
    // The application's database server is not Temporal's: the Temporal databases are nowhere on it.
    const app = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const names = (await app<Array<{ datname: string }>>`select datname from pg_database`).map((r) => r.datname);
      expect(names).toContain('microloan');
      expect(names).not.toContain('temporal');
      expect(names).not.toContain('temporal_visibility');
    } finally {
      await app.end();
    }
    // The workflows of the suite's loans are listed by visibility, by search attribute.
    const listed = await connection.workflowService.listWorkflowExecutions({
      namespace: 'default',
      query: "LoanStatus != ''",
      pageSize: 5,
    });
    expect(Array.isArray(listed.executions)).toBe(true);
  });

  it("registers the loans' search attributes on the cluster", async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const key of LOAN_SEARCH_ATTRIBUTES)
      expect(customAttributes[key.name], key.name).toBe(encodeSearchAttributeIndexedValueType(key.type));
  });

  it('has two worker processes polling the loans task queue', async () => {
    expect(stack.workerNames).toEqual(['worker', 'worker-2']);
    const deadline = Date.now() + 60_000;
    let identities: string[] = [];
    while (Date.now() < deadline) {
      const described = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: stack.taskQueue },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      identities = [...new Set((described.pollers ?? []).map((p) => p.identity ?? ''))];
      if (identities.length >= 2) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(identities.length, identities.join(', ')).toBeGreaterThanOrEqual(2);
  });

  it('answers on one port from two API processes, each ready on its own', async () => {
    expect(stack.apiProcessUrls).toHaveLength(2);
    expect(new Set(stack.apiProcessUrls).size).toBe(2);
    for (const url of [...stack.apiProcessUrls, stack.apiUrl]) {
      const res = await fetch(`${url}/readyz`);
      expect(res.status, url).toBe(200);
    }
  });

  it('serves Temporal Web with write actions off and the codec with credentials', async () => {
    const res = await fetch(`${stack.temporalWebUrl}/api/v1/settings`);
    expect(res.status).toBe(200);
    const settings = (await res.json()) as {
      DisableWriteActions: boolean;
      Codec: { Endpoint: string; IncludeCredentials: boolean };
    };
    expect(settings.DisableWriteActions).toBe(true);
    expect(settings.Codec.Endpoint).toMatch(/\/codec$/);
    expect(settings.Codec.IncludeCredentials).toBe(true);
  });
});
