// Writes the loan workflows' bundle for the worker (WORKFLOW_BUNDLE_PATH).
//   npm run build:workflows [-- <out path>]     default build/workflow-bundle.js
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../worker/workflow-bundle.js';

const out = resolve(process.argv[2] ?? 'build/workflow-bundle.js');
await writeWorkflowBundle(out);
process.stdout.write(`workflow bundle written to ${out}\n`);
