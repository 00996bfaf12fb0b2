import { z } from 'zod';
import type { BureauReport, Money, StatementSummary } from '../domain/types.js';
import { createPartnerHttp, type PartnerClientOptions } from './http.js';

const money = z.string().regex(/^-?\d+\.\d{2}$/);

export interface ReportRequest {
  idNumber: string;
  name: string;
  /** Id of the applicant's recorded authorisation (征信授权); the bureau refuses without it. */
  consentId: string;
  /** E.g. "LOAN_APPLICATION", "POST_LOAN_MONITORING". */
  purpose: string;
}

export interface StatementRequest {
  idNumber: string;
  declaredMonthlyIncome: Money;
}

const reportSchema: z.ZodType<BureauReport> = z.object({
  idNumberHash: z.string(),
  profile: z.string(),
  score: z.number().int().nullable(),
  blacklisted: z.boolean(),
  currentOverdueAmount: money,
  maxOverdueDaysLast24Months: z.number().int(),
  openLoans: z.number().int(),
  monthlyDebtPayments: money,
  queriesLast3Months: z.number().int(),
  creditHistoryMonths: z.number().int(),
  reportedAt: z.string(),
});

const statementSchema: z.ZodType<StatementSummary> = z.object({
  monthsCovered: z.number().int(),
  averageMonthlyInflow: money,
  averageMonthlyOutflow: money,
  inflowVariability: z.string().regex(/^\d+\.\d+$/),
  bouncedPayments: z.number().int(),
});

export interface BureauClient {
  /** Read-only for our purposes (the bureau records the enquiry), so it is retried. */
  fetchReport(request: ReportRequest): Promise<BureauReport>;
  analyzeStatement(request: StatementRequest): Promise<StatementSummary>;
}

export function createBureauClient(options: PartnerClientOptions): BureauClient {
  const http = createPartnerHttp('bureau', options);
  return {
    async fetchReport(request) {
      const { data } = await http.call({
        operation: 'fetchReport',
        method: 'POST',
        path: 'reports',
        json: request,
        idempotent: true,
        schema: reportSchema,
      });
      return data;
    },
    async analyzeStatement(request) {
      const { data } = await http.call({
        operation: 'analyzeStatement',
        method: 'POST',
        path: 'statements/analyze',
        json: request,
        idempotent: true,
        schema: statementSchema,
      });
      return data;
    },
  };
}
