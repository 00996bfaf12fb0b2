import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** Every simulator error has this body, like the partners' own APIs: `{ error: { code, message } }`. */
export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/** Parses the JSON body with `schema`; a 400 response when it is not JSON or does not fit. */
export async function parseJsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<Parsed<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, response: errorResponse(c, 400, 'MALFORMED_JSON', 'The request body is not valid JSON') };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  return { ok: false, response: errorResponse(c, 400, 'INVALID_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`) };
}

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const KEY_SHAPE = /^[\x21-\x7e]{1,128}$/;

export function idempotencyKeyOf(c: Context): Parsed<string> {
  const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
  if (!key)
    return {
      ok: false,
      response: errorResponse(c, 400, 'IDEMPOTENCY_KEY_REQUIRED', 'The Idempotency-Key header is required'),
    };
  if (!KEY_SHAPE.test(key)) {
    return {
      ok: false,
      response: errorResponse(
        c,
        400,
        'INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be 1–128 printable ASCII characters',
      ),
    };
  }
  return { ok: true, value: key };
}

export function iso(value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
