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

export const BilingualSchema = z.object({ zh: z.string(), en: z.string() }).openapi('BilingualText');

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

/** Loose JSON object for bodies the domain validates in depth. */
export const JsonObject = z.record(z.string(), z.unknown());
