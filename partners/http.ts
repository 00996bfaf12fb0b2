import ky, { HTTPError, TimeoutError } from 'ky';
import type { z } from 'zod';
import type { Logger } from '../lib/logger.js';

export type PartnerName = 'bank' | 'bureau' | 'notify' | 'gateway' | 'identity' | 'simulator';

export type PartnerErrorCode =
  | 'TIMEOUT'
  | 'NETWORK'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PARTNER_ERROR'
  | 'INVALID_RESPONSE';

/**
 * A partner call that did not succeed. `retryable` says whether calling again is both useful
 * (the failure may be transient) and safe (the call is idempotent, or the partner said it did nothing).
 */
export class PartnerError extends Error {
  readonly partner: PartnerName;
  readonly code: PartnerErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  /** The partner's own error code from the response body, when it sent one. */
  readonly partnerCode?: string;

  constructor(fields: {
    partner: PartnerName;
    code: PartnerErrorCode;
    retryable: boolean;
    status?: number;
    partnerCode?: string;
    message: string;
  }) {
    super(fields.message);
    this.name = 'PartnerError';
    this.partner = fields.partner;
    this.code = fields.code;
    this.retryable = fields.retryable;
    if (fields.status !== undefined) this.status = fields.status;
    if (fields.partnerCode !== undefined) this.partnerCode = fields.partnerCode;
  }
}

export function isPartnerError(err: unknown): err is PartnerError {
  return err instanceof PartnerError;
}

export interface RetryPolicy {
  /** Extra attempts after the first, for idempotent calls only. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PartnerClientOptions {
  /** E.g. BANK_URL, "http://127.0.0.1:4010/bank". */
  baseUrl: string;
  /** Per attempt. */
  timeoutMs?: number;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  headers?: Record<string, string>;
}

export interface PartnerCall<T> {
  /** Short name for logs, e.g. "transfer". */
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Relative to baseUrl, no leading slash. */
  path: string;
  json?: unknown;
  searchParams?: Record<string, string>;
  headers?: Record<string, string>;
  /** Safe to send again: read-only, or made safe by an Idempotency-Key. Only these are retried. */
  idempotent: boolean;
  schema: z.ZodType<T>;
}

export interface PartnerResponse<T> {
  status: number;
  data: T;
}

export interface PartnerHttp {
  call<T>(request: PartnerCall<T>): Promise<PartnerResponse<T>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY: RetryPolicy = { limit: 3, baseDelayMs: 200, maxDelayMs: 5_000 };
// Connection-level failures where the request never reached the partner.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function errorCodeOf(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function codeForStatus(status: number): PartnerErrorCode {
  if (status === 400 || status === 422) return 'BAD_REQUEST';
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  return 'PARTNER_ERROR';
}

async function partnerCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body?.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

async function toPartnerError(
  partner: PartnerName,
  err: unknown,
  idempotent: boolean,
  operation: string,
): Promise<PartnerError> {
  if (err instanceof PartnerError) return err;
  if (err instanceof HTTPError) {
    const status = err.response.status;
    const code = codeForStatus(status);
    // 429 and 503 mean the partner refused before doing anything, so even a non-idempotent call may be repeated.
    const retryable = status === 429 || status === 503 || (idempotent && (status >= 500 || status === 408));
    const partnerCode = await partnerCodeOf(err.response);
    return new PartnerError({
      partner,
      code,
      retryable,
      status,
      ...(partnerCode ? { partnerCode } : {}),
      message: `${partner} ${operation} failed with HTTP ${status}${partnerCode ? ` (${partnerCode})` : ''}`,
    });
  }
  if (err instanceof TimeoutError) {
    return new PartnerError({
      partner,
      code: 'TIMEOUT',
      retryable: idempotent,
      message: `${partner} ${operation} timed out; the outcome is unknown`,
    });
  }
  const sysCode = errorCodeOf(err);
  const notSent = sysCode !== undefined && NOT_SENT_CODES.has(sysCode);
  return new PartnerError({
    partner,
    code: 'NETWORK',
    retryable: idempotent || notSent,
    message: `${partner} ${operation} could not be completed: ${sysCode ?? (err instanceof Error ? err.message : String(err))}`,
  });
}

const NOT_JSON = Symbol('not JSON');

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** One ky instance per partner: timeouts, our own retry loop (ky never retries timeouts), and error mapping. */
export function createPartnerHttp(partner: PartnerName, options: PartnerClientOptions): PartnerHttp {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const log = options.log.child({ partner });
  const api = ky.create({
    prefixUrl: options.baseUrl,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: 0,
    throwHttpErrors: true,
    ...(options.headers ? { headers: options.headers } : {}),
  });

  return {
    async call<T>(request: PartnerCall<T>): Promise<PartnerResponse<T>> {
      const maxAttempts = request.idempotent ? policy.limit + 1 : 1;
      for (let attempt = 1; ; attempt += 1) {
        const started = performance.now();
        try {
          const response = await api(request.path, {
            method: request.method,
            ...(request.json !== undefined ? { json: request.json } : {}),
            ...(request.searchParams ? { searchParams: request.searchParams } : {}),
            ...(request.headers ? { headers: request.headers } : {}),
          });
          const body = response.status === 204 ? null : await readJson(response);
          const parsed = body === NOT_JSON ? null : request.schema.safeParse(body);
          if (!parsed) {
            throw new PartnerError({
              partner,
              code: 'INVALID_RESPONSE',
              retryable: false,
              status: response.status,
              message: `${partner} ${request.operation} returned a body that is not JSON`,
            });
          }
          if (!parsed.success) {
            throw new PartnerError({
              partner,
              code: 'INVALID_RESPONSE',
              retryable: false,
              status: response.status,
              message: `${partner} ${request.operation} returned an unexpected body: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
            });
          }
          log.debug(
            {
              operation: request.operation,
              status: response.status,
              attempt,
              ms: Math.round(performance.now() - started),
            },
            'partner call',
          );
          return { status: response.status, data: parsed.data };
        } catch (err) {
          const failure = await toPartnerError(partner, err, request.idempotent, request.operation);
          const willRetry = failure.retryable && attempt < maxAttempts;
          log[willRetry ? 'warn' : 'info'](
            {
              operation: request.operation,
              attempt,
              code: failure.code,
              status: failure.status,
              partnerCode: failure.partnerCode,
              willRetry,
            },
            'partner call failed',
          );
          if (!willRetry) throw failure;
          await new Promise((r) => setTimeout(r, backoff(policy, attempt - 1)));
        }
      }
    },
  };
}
