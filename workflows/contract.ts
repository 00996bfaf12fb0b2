// Phase 4: generate the contract from the approved terms and wait for the borrower's
// signature, bound to the contract's sha256, until the offer expires.
import { records } from './activity-proxies.js';
import { changeStatus, nowIso, record, type LoanContext } from './context.js';
import { DAY_MS, waitUntil } from './waiting.js';

export type ContractOutcome = 'SIGNED' | 'EXPIRED' | 'WITHDRAWN';

export async function contractPhase(ctx: LoanContext): Promise<ContractOutcome> {
  const offer = ctx.view.offer!;
  const expiresAt = new Date(Date.now() + ctx.input.product.offerAcceptanceDays * DAY_MS).toISOString();
  offer.expiresAt = expiresAt;
  const contract = await records.generateContract({
    loanId: ctx.view.loanId,
    offer,
    product: ctx.input.product,
    generatedAt: nowIso(),
  });
  ctx.view.contract = { sha256: contract.sha256, version: contract.version, generatedAt: contract.generatedAt };
  await changeStatus(ctx, 'AWAITING_SIGNATURE', { projection: { offer, contractSha256: contract.sha256 } });

  const outcome = await waitUntil(
    ctx,
    () => ctx.view.contract?.signedAt !== undefined,
    Date.parse(expiresAt) - Date.now(),
  );
  if (outcome === 'WITHDRAWN') return 'WITHDRAWN';
  if (outcome === 'TIMEOUT') return 'EXPIRED';
  await record(
    ctx,
    'CONTRACT_SIGNED',
    {
      zh: `借款人已签署合同（SHA-256 ${ctx.view.contract.sha256.slice(0, 12)}…）`,
      en: `The borrower signed the contract (SHA-256 ${ctx.view.contract.sha256.slice(0, 12)}…)`,
    },
    { actor: { userId: ctx.input.borrowerId, role: 'BORROWER' }, detail: { sha256: ctx.view.contract.sha256 } },
  );
  return 'SIGNED';
}
