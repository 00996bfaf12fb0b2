// The committed corpus of loan histories (test/workflow/histories/*.json) and what each one covers.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ROOT } from '../../lib/tools.js';

const { temporal } = proto;
const History = temporal.api.history.v1.History;
const EventType = temporal.api.enums.v1.EventType;
type History = proto.temporal.api.history.v1.IHistory;

export const HISTORIES_DIR = join(ROOT, 'test', 'workflow', 'histories');

export interface RecordedLoan {
  file: string;
  history: History;
  /** Every LoanStatus the loan's search attribute took, in order. */
  statuses: string[];
  /** Activity types the workflow scheduled. */
  activities: Set<string>;
  /** Update names the workflow accepted. */
  updates: Set<string>;
  timers: number;
  continuedAsNew: boolean;
}

/** Every history under the corpus folder (loose files or one folder per scenario; manifests are not histories). */
export function loadCorpus(dir = HISTORIES_DIR): RecordedLoan[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json') && basename(f) !== 'manifest.json')
    .sort()
    .map((file) => describeHistory(file, readHistory(join(dir, file))));
}

/**
 * Reads a history in either JSON shape: the proto3 JSON that `temporal workflow show --output json`
 * and the SDK's historyToJSON write (event times as strings), or protobufjs' toObject form.
 */
export function readHistory(path: string): History {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { events?: Array<{ eventTime?: unknown }> };
  return typeof json.events?.[0]?.eventTime === 'string' ? historyFromJSON(json) : History.fromObject(json);
}

function describeHistory(file: string, history: History): RecordedLoan {
  const loan: RecordedLoan = { file, history, statuses: [], activities: new Set(), updates: new Set(), timers: 0, continuedAsNew: false };
  for (const event of history.events ?? []) {
    const status = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.LoanStatus?.data;
    if (status) loan.statuses.push(JSON.parse(Buffer.from(status).toString('utf8')) as string);
    const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (activity) loan.activities.add(activity);
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
    if (update) loan.updates.add(update);
    if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) loan.timers += 1;
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) loan.continuedAsNew = true;
  }
  return loan;
}
