// What a workflow's history says: how many activities it ran and in what batches, how big it is.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

async function events(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/**
 * The activities a stretch of history scheduled, as batches: the activities one workflow task
 * scheduled together run in parallel. [1, 1, 3, 1] is four steps, the third three at once.
 */
export function batchesOf(stretch: HistoryEvent[]): number[] {
  const batches: number[] = [];
  let open = false;
  for (const e of stretch) {
    if (e.activityTaskScheduledEventAttributes) {
      if (open) batches[batches.length - 1]! += 1;
      else batches.push(1);
      open = true;
    } else if (e.workflowTaskCompletedEventAttributes || e.workflowTaskStartedEventAttributes) {
      open = false;
    }
  }
  return batches;
}

/** Every activity the workflow has scheduled so far, in batches. */
export async function activityBatches(client: Client, workflowId: string): Promise<number[]> {
  return batchesOf(await events(client, workflowId));
}

/**
 * The decision's activities: from the last document signal up to the contract, after which the
 * workflow records the decision (loans.decided_at is that workflow task's time).
 */
export async function decisionBatches(client: Client, workflowId: string): Promise<number[]> {
  const all = await events(client, workflowId);
  let lastDocument = -1;
  all.forEach((e, i) => {
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'documentUploaded') lastDocument = i;
  });
  const contract = all.findIndex(
    (e, i) => i > lastDocument && e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateContract',
  );
  if (lastDocument < 0 || contract < 0)
    throw new Error(`${workflowId}: no document signal or no contract in its history`);
  return batchesOf(all.slice(lastDocument + 1, contract + 1));
}

export async function historySize(client: Client, workflowId: string): Promise<{ events: number; bytes: number }> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return { events: d.historyLength, bytes: d.historySize ?? Number.NaN };
}

/** Server time from a workflow's start to its close, ms. */
export async function runTimeMs(client: Client, workflowId: string): Promise<number> {
  const d = await client.workflow.getHandle(workflowId).describe();
  if (!d.closeTime) throw new Error(`${workflowId} has not closed`);
  return d.closeTime.getTime() - d.startTime.getTime();
}

export const total = (batches: number[]) => batches.reduce((a, b) => a + b, 0);

/**
 * The activity batches of each wake-up: every stretch from a timer firing to the next one (or the
 * end of the history). A servicing loan's last stretches are its reminders and its collection,
 * including what follows the bank's answer to the auto-debit.
 */
export async function wakeUpBatches(client: Client, workflowId: string): Promise<number[][]> {
  const all = await events(client, workflowId);
  const waves: number[][] = [];
  all.forEach((e, i) => {
    if (!e.timerFiredEventAttributes) return;
    const next = all.findIndex((x, j) => j > i && x.timerFiredEventAttributes);
    waves.push(batchesOf(all.slice(i + 1, next < 0 ? undefined : next)));
  });
  return waves;
}
