import { Hono } from 'hono';
import { z } from 'zod';
import type { Sql } from '../../lib/db-client.js';
import { errorResponse, parseJsonBody } from '../responses.js';
import { idNumber, nonNegativeMoney, text } from '../validation.js';
import { recordEnquiry } from './enquiries.js';
import { buildBureauReport, idNumberHash } from './profiles.js';
import { receiveSubmission, submissionSchema } from './reporting.js';
import { analyzeStatement } from './statements.js';

const reportSchema = z.object({
  idNumber,
  name: text(100),
  consentId: z.string().trim().max(128).optional(),
  purpose: text(64),
});
const statementSchema = z.object({ idNumber, declaredMonthlyIncome: nonNegativeMoney });

/** The credit bureau (征信): reports under recorded consent, bank-statement analysis, and the reporting interface (征信报送). */
export function bureauRoutes({ sql, now }: { sql: Sql; now: () => Date }): Hono {
  const app = new Hono();

  app.post('/reports', async (c) => {
    const parsed = await parseJsonBody(c, reportSchema);
    if (!parsed.ok) return parsed.response;
    const { consentId, purpose } = parsed.value;
    if (!consentId)
      return errorResponse(
        c,
        400,
        'CONSENT_REQUIRED',
        "A credit report needs the applicant's consent: consentId is required",
      );
    const hash = idNumberHash(parsed.value.idNumber);
    await recordEnquiry(sql, { idNumberHash: hash, consentId, purpose });
    return c.json(buildBureauReport(parsed.value.idNumber, now()));
  });

  app.post('/statements/analyze', async (c) => {
    const parsed = await parseJsonBody(c, statementSchema);
    if (!parsed.ok) return parsed.response;
    return c.json(analyzeStatement(parsed.value.idNumber, parsed.value.declaredMonthlyIncome));
  });

  // 征信报送: a submission of lending-account records, answered per record (see reporting.ts).
  app.post('/reporting/submissions', async (c) => {
    const parsed = await parseJsonBody(c, submissionSchema);
    if (!parsed.ok) return parsed.response;
    const result = await receiveSubmission(sql, parsed.value);
    if (result.kind === 'CONFLICT')
      return errorResponse(c, 409, 'SUBMISSION_ID_REUSED', 'This submission id was used for another body');
    return c.json(result.answer);
  });

  return app;
}
