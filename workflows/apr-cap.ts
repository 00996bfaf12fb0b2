// The APR cap before any credit query. The API refuses such applications at once; this is the
// same check for a loan started directly against Temporal, or under a product saved before the
// API checked it. The APR is judged under the money rules the offer would use.
import { patched } from '@temporalio/workflow';
import { applicationAprProblem } from '../domain/apr-cap.js';
import { rulesFor } from '../domain/money-rules.js';
import { chooseRulesVersion } from '../domain/rules-version.js';
import type { BilingualText } from '../domain/types.js';
import { today, type LoanContext } from './context.js';

/** Why the requested terms may not go on to intake and the bureau, or null. */
export function requestedAprProblem(ctx: LoanContext): BilingualText | null {
  const rules = rulesFor(chooseRulesVersion((patchId) => patched(patchId)));
  const { problem } = applicationAprProblem(ctx.input.product, ctx.view.requested, today(ctx), rules);
  return problem?.message ?? null;
}
