// `npm run capture:histories`: loan histories from a running stack into the replay corpus, every
// run of each loan's continue-as-new chain, payloads decoded through the codec.
//
//   npm run capture:histories -- --workflow-id <loanId> [--workflow-id …] [--scenario <name>] [--phases a,b]
//   npm run capture:histories -- --query 'WorkflowType="loanWorkflow" AND LoanStatus="OVERDUE"' --limit 5
//
// Where from: --address (else TEMPORAL_ADDRESS, else the dev server `npm start` runs on
// 127.0.0.1:$TEMPORAL_PORT, 7233) and --namespace (else TEMPORAL_NAMESPACE). Decoded with
// --codec-endpoint <api>/codec --codec-auth 'Bearer <ops token>' (as the temporal CLI), else with
// the local keys (DATA_KEYS or DATA_KEY_FILE, else data/keys.json in local mode).
// Where to: --out (default test/workflow/histories), one folder per loan named --scenario (a
// single loan) or <scenario>-<loanId> or the loan id; a folder of the same name is replaced.
import { Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { captureWorkflow } from '../ops/history-capture.js';
import { CORPUS_DIR } from '../ops/history-corpus.js';
import { remoteCodec } from '../ops/history-decode.js';
import { listExecutions } from '../ops/history-export.js';
import { loadKeyring, localKeyFilePath } from '../security/keyring.js';
import { createPayloadCodec } from '../security/payload-codec.js';

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'workflow-id': { type: 'string', multiple: true },
      query: { type: 'string' },
      limit: { type: 'string', default: '20' },
      out: { type: 'string', default: CORPUS_DIR },
      scenario: { type: 'string' },
      phases: { type: 'string', default: '' },
      address: { type: 'string' },
      namespace: { type: 'string' },
      'codec-endpoint': { type: 'string' },
      'codec-auth': { type: 'string' },
    },
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a whole number ≥ 1, got "${values.limit}"`);
  if (!values['workflow-id'] && !values.query)
    throw new UsageError("name the loans: --workflow-id <loanId> (repeatable) or --query '<visibility query>'");
  if (values['codec-auth'] && !values['codec-endpoint']) throw new UsageError('--codec-auth needs --codec-endpoint');

  const config = loadConfig();
  const address = values.address ?? config.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.TEMPORAL_PORT ?? '7233'}`;
  const namespace = values.namespace ?? config.TEMPORAL_NAMESPACE;
  let codec: PayloadCodec;
  if (values['codec-endpoint'])
    codec = remoteCodec({ endpoint: values['codec-endpoint'], auth: values['codec-auth'], namespace });
  else {
    // Fresh keys would decrypt nothing: in local mode the stack's key file must already exist.
    const keyFile = localKeyFilePath(config);
    if (!config.DATA_KEYS && !config.DATA_KEY_FILE && !existsSync(keyFile)) {
      throw new UsageError(
        `no keys to decode with: ${keyFile} does not exist; set DATA_KEYS or DATA_KEY_FILE, or give --codec-endpoint and --codec-auth`,
      );
    }
    codec = createPayloadCodec(loadKeyring(config));
  }
  const phases = values.phases
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const out = resolve(values.out);

  const connection = await Connection.connect({ address });
  try {
    const named = values['workflow-id'] ?? [];
    const queried = values.query
      ? (await listExecutions(connection, namespace, values.query)).map((e) => e.workflowId)
      : [];
    const workflowIds = [...new Set([...named, ...queried])].slice(0, limit);
    if (workflowIds.length === 0) {
      console.error(`no workflow matches ${values.query}`);
      return 1;
    }
    for (const workflowId of workflowIds) {
      const scenario = values.scenario
        ? workflowIds.length === 1
          ? values.scenario
          : `${values.scenario}-${workflowId}`
        : workflowId;
      const manifest = await captureWorkflow({
        connection,
        namespace,
        workflowId,
        codec,
        corpusDir: out,
        scenario,
        phases,
        source: `${address}/${namespace}`,
      });
      const events = manifest.runs.reduce((n, r) => n + r.events, 0);
      console.log(`✔ ${workflowId}: ${manifest.runs.length} run(s), ${events} events → ${resolve(out, scenario)}`);
    }
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(
      err instanceof UsageError || err instanceof ConfigError ? err.message : `capture failed: ${err.message}`,
    );
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
