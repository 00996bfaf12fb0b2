import { pino, type Logger } from 'pino';

export type { Logger };

/** Fields that may carry personal data; pino replaces them before anything is written. */
export const REDACTED_PATHS = [
  'idNumber',
  '*.idNumber',
  '*.*.idNumber',
  'phone',
  '*.phone',
  '*.*.phone',
  'cardNumber',
  '*.cardNumber',
  '*.*.cardNumber',
  'password',
  '*.password',
  'name',
  '*.name',
  'applicant',
  '*.applicant',
  'guarantor',
  '*.guarantor',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
