import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Where the bare workflow bundle starts. */
export const BARE_WORKFLOWS_PATH = require.resolve('./workflows.ts');
