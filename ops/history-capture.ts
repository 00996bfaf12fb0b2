// One loan into the replay corpus: every run of its continue-as-new chain, decoded by the codec,
// written as a scenario folder (ops/history-corpus.ts). Used by the workflow tests' h.capture()
// and by `npm run capture:histories`.
import type { Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { writeScenario, type ScenarioManifest } from './history-corpus.js';
import { decodeHistory } from './history-decode.js';
import { fetchRunChain } from './history-export.js';

export interface CaptureRequest {
  connection: Connection;
  namespace: string;
  workflowId: string;
  codec: PayloadCodec;
  corpusDir: string;
  scenario: string;
  phases: readonly string[];
  source: string;
}

export async function captureWorkflow(request: CaptureRequest): Promise<ScenarioManifest> {
  const runs = await fetchRunChain(request.connection, request.namespace, request.workflowId);
  for (const run of runs) await decodeHistory(run.history, request.codec);
  return writeScenario(
    request.corpusDir,
    { scenario: request.scenario, phases: request.phases, workflowId: request.workflowId, source: request.source },
    runs,
  );
}
