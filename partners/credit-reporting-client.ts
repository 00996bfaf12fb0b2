// The credit reference center's reporting interface (征信报送): a submission of lending-account
// records, answered per record. The submission id is chosen before the first attempt and the
// center answers a repeated one with its first answer, so the call is retried safely.
import { z } from 'zod';
import { createPartnerHttp, type PartnerClientOptions } from './http.js';

export interface ReportSubmission {
  /** "daily:<date>", or the correction's or deletion's own id: the same id on every retry. */
  submissionId: string;
  reportDate: string;
  /** Records in the lending-account layout (domain/credit-reporting/record.ts). */
  records: readonly unknown[];
}

const answerSchema = z.object({
  submissionId: z.string(),
  receiptId: z.string(),
  results: z.array(
    z.object({
      recordId: z.string(),
      status: z.enum(['ACCEPTED', 'REJECTED']),
      reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    }),
  ),
});
export type SubmissionAnswer = z.infer<typeof answerSchema>;

export interface CreditReportingClient {
  submit(submission: ReportSubmission): Promise<SubmissionAnswer>;
}

export function createCreditReportingClient(options: PartnerClientOptions): CreditReportingClient {
  const http = createPartnerHttp('bureau', options);
  return {
    async submit(submission) {
      const { data } = await http.call({
        operation: 'submitCreditReport',
        method: 'POST',
        path: 'reporting/submissions',
        json: submission,
        idempotent: true,
        schema: answerSchema,
      });
      return data;
    },
  };
}
