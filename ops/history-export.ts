// Workflow histories out of a Temporal server: which executions there are (all, or those a
// visibility query names), one run's events, and a workflow's whole chain of continue-as-new runs.
// `exportHistories` writes every history of a namespace exactly as the server stores them (no
// codec: encrypted payloads stay encrypted) for the plaintext scan; `npm run capture:histories`
// decodes them into the replay corpus (ops/history-corpus.ts).
import { Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type proto from '@temporalio/proto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type History = proto.temporal.api.history.v1.IHistory;
export type Execution = { workflowId: string; runId: string };

export interface HistoryExportReport {
  namespace: string;
  executions: number;
  events: number;
  exportedAt: string;
}

export const EXPORT_REPORT_FILE = '_export.json';
const UNIMPLEMENTED = 12;

type Listed = Array<{ execution?: { workflowId?: string | null; runId?: string | null } | null }> | null | undefined;

/** Every execution of the namespace, or those matching a visibility query (`WorkflowType="loanWorkflow" AND …`). */
export async function listExecutions(connection: Connection, namespace: string, query?: string): Promise<Execution[]> {
  const found: Execution[] = [];
  const add = (executions: Listed) => {
    for (const info of executions ?? []) {
      if (info.execution?.workflowId && info.execution.runId)
        found.push({ workflowId: info.execution.workflowId, runId: info.execution.runId });
    }
  };
  let nextPageToken: Uint8Array | undefined;
  try {
    do {
      const page = await connection.workflowService.listWorkflowExecutions({
        namespace,
        query: query ?? '',
        pageSize: 1000,
        nextPageToken,
      });
      add(page.executions);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return found;
  } catch (err) {
    if ((err as { code?: number }).code !== UNIMPLEMENTED || query) throw err;
  }
  // The time-skipping test server has no list query, only the older open/closed listings.
  const since = { earliestTime: { seconds: 0 }, latestTime: { seconds: 7_258_118_400 } }; // 2200: time skipping runs far ahead
  type Listing = { executions?: Listed; nextPageToken?: Uint8Array | null };
  // protobufjs wants Long for the seconds; plain numbers encode the same.
  type Request = {
    namespace: string;
    maximumPageSize: number;
    nextPageToken?: Uint8Array;
    startTimeFilter: typeof since;
  };
  const service = connection.workflowService;
  const listings: Array<(request: Request) => Promise<Listing>> = [
    (r) => service.listOpenWorkflowExecutions(r as never),
    (r) => service.listClosedWorkflowExecutions(r as never),
  ];
  for (const list of listings) {
    nextPageToken = undefined;
    do {
      const page = await list({ namespace, maximumPageSize: 1000, nextPageToken, startTimeFilter: since });
      add(page.executions);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }
  return found;
}

/** One run's events, every page. */
export async function fetchHistory(connection: Connection, namespace: string, execution: Execution): Promise<History> {
  const events: NonNullable<History['events']> = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await connection.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution,
      nextPageToken,
      maximumPageSize: 1000,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

/**
 * Every run of a workflow's continue-as-new chain, oldest first: from the latest run back through
 * each run's `continuedExecutionRunId`. A run the server no longer holds (past retention) ends the walk.
 */
export async function fetchRunChain(
  connection: Connection,
  namespace: string,
  workflowId: string,
): Promise<Array<{ runId: string; history: History }>> {
  const described = await connection.workflowService.describeWorkflowExecution({
    namespace,
    execution: { workflowId },
  });
  const runs: Array<{ runId: string; history: History }> = [];
  let runId: string | undefined = described.workflowExecutionInfo?.execution?.runId ?? undefined;
  while (runId) {
    let history: History;
    try {
      history = await fetchHistory(connection, namespace, { workflowId, runId });
    } catch (err) {
      if (runs.length > 0 && (err as { code?: number }).code === 5) break; // NOT_FOUND: deleted by retention
      throw err;
    }
    runs.unshift({ runId, history });
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

/**
 * The history as proto3 JSON, the form `temporal workflow show --output json` writes and the SDK's
 * historyFromJSON reads (64-bit numbers and times as strings, bytes as base64), one event a line.
 */
export function historyJson(history: History): string {
  const { events } = JSON.parse(historyToJSON(history)) as { events?: unknown[] };
  return `{"events": [\n${(events ?? []).map((event) => JSON.stringify(event)).join(',\n')}\n]}\n`;
}

const fileName = ({ workflowId, runId }: Execution) => `${workflowId.replace(/[^A-Za-z0-9_.-]/g, '_')}__${runId}.json`;

/** One file per run, named `<workflowId>__<runId>.json`, plus `_export.json` saying what was exported. */
export async function exportHistories(address: string, namespace: string, dir: string): Promise<HistoryExportReport> {
  mkdirSync(dir, { recursive: true });
  const connection = await Connection.connect({ address });
  try {
    const executions = await listExecutions(connection, namespace);
    let events = 0;
    const queue = [...executions];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const history = await fetchHistory(connection, namespace, next);
        events += history.events?.length ?? 0;
        writeFileSync(join(dir, fileName(next)), historyJson(history));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const report = { namespace, executions: executions.length, events, exportedAt: new Date().toISOString() };
    writeFileSync(join(dir, EXPORT_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    await connection.close();
  }
}
