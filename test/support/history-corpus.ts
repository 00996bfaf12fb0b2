// The committed replay corpus (ops/history-corpus.ts), each history with what the loan went through.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import { CORPUS_DIR, corpusHistories } from '../../ops/history-corpus.js';
import type { History } from '../../ops/history-export.js';

const EventType = proto.temporal.api.enums.v1.EventType;

export interface RecordedLoan {
  /** `<scenario folder>/<run file>`. */
  name: string;
  workflowId: string;
  history: History;
  /** Every LoanStatus the loan's search attribute took in this run, in order. */
  statuses: string[];
  /** Activity types the run scheduled. */
  activities: Set<string>;
  /** Timeline entries the run wrote (the `kind` of each recordLoanEvent activity). */
  timeline: Set<string>;
  /** Update names the run accepted. */
  updates: Set<string>;
  timers: number;
  continuedAsNew: boolean;
}

export function loadCorpus(dir = CORPUS_DIR): RecordedLoan[] {
  return corpusHistories(dir).map((h) =>
    describeHistory(`${h.scenario}/${h.file}`, h.workflowId, historyFromJSON(JSON.parse(readFileSync(h.path, 'utf8')))),
  );
}

function describeHistory(name: string, workflowId: string, history: History): RecordedLoan {
  const loan: RecordedLoan = {
    name,
    workflowId,
    history,
    statuses: [],
    activities: new Set(),
    timeline: new Set(),
    updates: new Set(),
    timers: 0,
    continuedAsNew: false,
  };
  for (const event of history.events ?? []) {
    const status =
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.LoanStatus?.data;
    if (status) loan.statuses.push(JSON.parse(Buffer.from(status).toString('utf8')) as string);
    const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (activity) loan.activities.add(activity);
    if (activity === 'recordLoanEvent') {
      const kind = plainJson(event.activityTaskScheduledEventAttributes?.input?.payloads?.[0])?.kind;
      if (typeof kind === 'string') loan.timeline.add(kind);
    }
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
    if (update) loan.updates.add(update);
    if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) loan.timers += 1;
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) loan.continuedAsNew = true;
  }
  return loan;
}

/** A payload's value when it is plain JSON (the corpus is stored decoded), else undefined. */
function plainJson(
  payload: proto.temporal.api.common.v1.IPayload | null | undefined,
): Record<string, unknown> | undefined {
  const encoding = payload?.metadata?.encoding;
  if (!payload?.data || !encoding || Buffer.from(encoding).toString('utf8') !== 'json/plain') return undefined;
  return JSON.parse(Buffer.from(payload.data).toString('utf8')) as Record<string, unknown>;
}
