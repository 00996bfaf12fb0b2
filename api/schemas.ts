// Shapes shared by route declarations, for the OpenAPI document. Deep business rules
// (checksums, product limits) live in domain/ and answer with the same field problems.
import { z } from '@hono/zod-openapi';
import {
  DAY_COUNTS,
  DOCUMENT_TYPES,
  FREQUENCIES,
  LOAN_STATUSES,
  LOAN_TYPES,
  REPAYMENT_METHODS,
} from '../domain/types.js';
import { bilingual } from './validation.js';

export const MoneyString = z
  .string()
  .regex(
    /^\d{1,12}(\.\d{1,2})?$/,
    bilingual(
      '金额须为最多两位小数的字符串，如 "1234.56"',
      'must be a string amount with at most 2 decimals, e.g. "1234.56"',
    ),
  )
  .openapi({ example: '10000.00' });
export const RateString = z
  .string()
  .regex(
    /^\d(\.\d{1,6})?$/,
    bilingual('利率须为小数字符串，如 "0.12"', 'must be a decimal fraction string, e.g. "0.12"'),
  )
  .openapi({ example: '0.12' });

export const BilingualSchema = z.object({ zh: z.string(), en: z.string() }).strict().openapi('BilingualText');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: BilingualSchema,
      fields: z.array(z.object({ field: z.string(), code: z.string(), message: BilingualSchema })).optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid input / 参数错误', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in / 未登录', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed / 无权限', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found / 不存在', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict or wrong stage / 状态冲突', content: { 'application/json': { schema: ErrorSchema } } },
  415: { description: 'Wrong content type / 内容类型错误', content: { 'application/json': { schema: ErrorSchema } } },
  422: {
    description: 'Refused by a business rule / 业务规则拒绝',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  503: { description: 'Temporarily unavailable / 暂不可用', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const LoanIdParam = z.object({
  loanId: z
    .string()
    .regex(/^loan-\d{8}-[0-9a-f]{10}$/, bilingual('贷款编号格式不正确', 'is not a loan id'))
    .openapi({ param: { name: 'loanId', in: 'path' }, example: 'loan-20261128-0a1b2c3d4e' }),
});

export const LoanTypeEnum = z.enum(LOAN_TYPES);
export const RepaymentMethodEnum = z.enum(REPAYMENT_METHODS);
export const FrequencyEnum = z.enum(FREQUENCIES);
export const DayCountEnum = z.enum(DAY_COUNTS);
export const LoanStatusEnum = z.enum(LOAN_STATUSES);
export const DocumentTypeEnum = z.enum(DOCUMENT_TYPES);

// Formats of the values answers carry. Amounts and rates are decimal strings (never JSON numbers),
// business dates "YYYY-MM-DD" in the business time zone, instants ISO 8601 in UTC.

/** An amount in yuan as a decimal string, e.g. "1234.56" (negative only where a figure may go below zero). */
export const AmountString = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,2})?$/)
  .openapi({ description: 'Amount in yuan, a decimal string with at most 2 decimals', example: '1234.56' });
/** A rate or ratio as a decimal fraction string, e.g. "0.12" for 12%. */
export const DecimalString = z
  .string()
  .regex(/^-?\d{1,6}(\.\d{1,10})?$/)
  .openapi({ description: 'A decimal fraction as a string, e.g. "0.12" for 12%', example: '0.12' });
export const LocalDateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ format: 'date', description: 'A business date, YYYY-MM-DD', example: '2026-12-15' });
export const InstantString = z.iso
  .datetime({ offset: true })
  .openapi({ description: 'An instant, ISO 8601', example: '2026-12-07T08:30:00.000Z' });
export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .openapi({ description: 'sha256, lowercase hex' });
export const LoanIdString = z
  .string()
  .regex(/^loan-\d{8}-[0-9a-f]{10}$/)
  .openapi({ example: 'loan-20261128-0a1b2c3d4e' });
export const UuidString = z.uuid();
/** An id this system or a partner chose (payment ids, refund ids, bank keys): printable, bounded. */
export const KeyString = z.string().min(1).max(200);
/** A channel's name, as an API key is made for (POST /v1/api-keys), or ONLINE / OFFLINE. */
export const ChannelName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{2,40}$/)
  .openapi({
    description:
      'The channel whose API key came with the application (e.g. WECHAT_MINIAPP); else ONLINE (the borrower applied) or OFFLINE (a loan officer did)',
    example: 'WECHAT_MINIAPP',
  });
export const Count = z.number().int().min(0);

/**
 * A value of a named (registered) schema, or null. `.nullable()` on a named schema loses the null in
 * the OpenAPI document; a union with null keeps it (anyOf [$ref, null]).
 */
export function orNull<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.null()]);
}

type JsonData = string | number | boolean | JsonData[] | { [key: string]: JsonData | null } | null;
/** Any JSON value but null (a nullable use says so): for the free-form details of audit rows and tasks. */
export const JsonValue: z.ZodType<JsonData> = z
  .lazy(() =>
    z.union([z.string(), z.number(), z.boolean(), z.array(orNull(JsonValue)), z.record(z.string(), orNull(JsonValue))]),
  )
  .openapi('JsonValue');
/** A free-form record of named JSON values, each described where it is written. */
export const JsonRecord = z.record(z.string(), orNull(JsonValue));
export type JsonRecordData = z.infer<typeof JsonRecord>;
