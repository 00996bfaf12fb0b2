import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib/logger.js';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Sends the SDK's own logs, and what workflows and activities log through it, to pino, so
 * every line is JSON with its workflowId (the loan id), run id and activity type.
 */
export function logTemporalThroughPino(log: Logger): void {
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      const { workflowId, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
      log[PINO_LEVEL[entry.level]]({ ...meta, ...(workflowId ? { loanId: workflowId } : {}) }, entry.message);
    }),
  });
}
