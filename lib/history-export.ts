// Writes every workflow history of a namespace to JSON files exactly as the server stores them:
// no data converter, no codec, so encrypted payloads stay encrypted. The plaintext scan reads them.
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type History = proto.temporal.api.history.v1.IHistory;
const HistoryMessage = proto.temporal.api.history.v1.History;
type Execution = { workflowId: string; runId: string };

export interface HistoryExportReport {
  namespace: string;
  executions: number;
  events: number;
  exportedAt: string;
}

export const EXPORT_REPORT_FILE = '_export.json';
const UNIMPLEMENTED = 12;

async function listExecutions(connection: Connection, namespace: string): Promise<Execution[]> {
  const found: Execution[] = [];
  const add = (executions: Array<{ execution?: { workflowId?: string | null; runId?: string | null } | null }> | null | undefined) => {
    for (const info of executions ?? []) {
      if (info.execution?.workflowId && info.execution.runId) found.push({ workflowId: info.execution.workflowId, runId: info.execution.runId });
    }
  };
  let nextPageToken: Uint8Array | undefined;
  try {
    do {
      const page = await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1000, nextPageToken });
      add(page.executions);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return found;
  } catch (err) {
    if ((err as { code?: number }).code !== UNIMPLEMENTED) throw err;
  }
  // The time-skipping test server has no list query, only the older open/closed listings.
  const since = { earliestTime: { seconds: 0 }, latestTime: { seconds: 7_258_118_400 } }; // 2200: time skipping runs far ahead
  type Listing = { executions?: Parameters<typeof add>[0]; nextPageToken?: Uint8Array | null };
  // protobufjs wants Long for the seconds; plain numbers encode the same.
  type Request = { namespace: string; maximumPageSize: number; nextPageToken?: Uint8Array; startTimeFilter: typeof since };
  const service = connection.workflowService;
  const listings: Array<(request: Request) => Promise<Listing>> = [(r) => service.listOpenWorkflowExecutions(r as never), (r) => service.listClosedWorkflowExecutions(r as never)];
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

async function fetchHistory(connection: Connection, namespace: string, execution: Execution): Promise<History> {
  const events: NonNullable<History['events']> = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await connection.workflowService.getWorkflowExecutionHistory({ namespace, execution, nextPageToken, maximumPageSize: 1000 });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

// The SDK's historyToJSON trips over two copies of protobufjs in node_modules; protobufjs's own
// toObject gives the same fields, with bytes as base64 and 64-bit numbers as strings.
function toJson(history: History): string {
  const object = HistoryMessage.toObject(HistoryMessage.create(history), { longs: String, enums: String, bytes: String });
  return `${JSON.stringify(object, null, 1)}\n`;
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
        writeFileSync(join(dir, fileName(next)), toJson(history));
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
