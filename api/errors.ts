import type { FieldProblem } from '../domain/errors.js';
import type { BilingualText } from '../domain/types.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429 | 500 | 502 | 503;

/**
 * An answer the caller can act on. Every error body has the same shape:
 * `{ error: { code, message: { zh, en }, fields?: FieldProblem[], requestId } }`.
 */
export class ApiError extends Error {
  /** Response headers the answer carries, e.g. Retry-After. */
  headers: Record<string, string> = {};

  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    readonly text: BilingualText,
    readonly fields?: FieldProblem[],
  ) {
    super(`${code}: ${text.en}`);
    this.name = 'ApiError';
  }

  /** The same error, answered with these headers as well. */
  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }

  static validation(fields: FieldProblem[]): ApiError {
    const names = fields.map((f) => f.field).join(', ');
    return new ApiError(
      400,
      'VALIDATION_FAILED',
      { zh: `请求参数有误：${names}`, en: `Invalid request fields: ${names}` },
      fields,
    );
  }

  static unauthenticated(): ApiError {
    return new ApiError(401, 'UNAUTHENTICATED', { zh: '请先登录', en: 'Authentication required' });
  }

  static forbidden(
    text: BilingualText = { zh: '无权执行此操作', en: 'You are not allowed to do this' },
    code = 'FORBIDDEN',
  ): ApiError {
    return new ApiError(403, code, text);
  }

  static notFound(what: BilingualText): ApiError {
    return new ApiError(404, 'NOT_FOUND', { zh: `${what.zh}不存在`, en: `${what.en} not found` });
  }

  static conflict(code: string, text: BilingualText): ApiError {
    return new ApiError(409, code, text);
  }
}

export interface ErrorBody {
  error: { code: string; message: BilingualText; fields?: FieldProblem[]; requestId?: string };
}

export function errorBody(error: ApiError, requestId?: string): ErrorBody {
  return {
    error: { code: error.code, message: error.text, ...(error.fields ? { fields: error.fields } : {}), requestId },
  };
}
