// Maps a loan's stored data and approved offer onto the contract document.
import { localDateOf } from '../domain/business-time.js';
import { renderContractHtml, type ConsentKind } from '../domain/contract-document.js';
import type { LoanProduct } from '../domain/products.js';
import type { Application } from '../domain/validation/application.js';
import type { Offer } from '../contracts/loan-view.js';

export interface ContractSources {
  loanId: string;
  offer: Offer;
  product: LoanProduct;
  application: Application;
  consents: Array<{ kind: string; text_version: string; granted_at: Date }>;
  generatedAt: string;
  companyName: string;
  timeZone: string;
}

export function renderContract(s: ContractSources): string {
  const a = s.application;
  return renderContractHtml({
    contractNumber: `HT-${s.loanId}`,
    contractDate: localDateOf(Date.parse(s.generatedAt), s.timeZone),
    lender: { name: s.companyName },
    borrower: { name: a.applicant.name, idNumber: a.applicant.idNumber, phone: a.applicant.phone },
    loanType: a.loanType,
    purpose: a.purpose,
    amount: s.offer.amount,
    annualRate: s.offer.annualRate,
    apr: s.offer.apr,
    termCount: s.offer.termCount,
    frequency: s.offer.frequency,
    method: s.offer.method,
    dayCount: s.product.dayCount,
    disbursementAccount: { bankName: a.bankAccount.bankName, cardNumber: a.bankAccount.cardNumber },
    schedule: s.offer.installments,
    fees: s.product.fees,
    penalty: s.product.penalty,
    rulesVersion: s.offer.rulesVersion ?? 1,
    chargesCap: s.product.aprCap,
    overpayment: s.product.overpayment,
    consents: s.consents.map((c) => ({
      kind: c.kind as ConsentKind,
      grantedBy: a.applicant.name,
      grantedAt: c.granted_at.toISOString(),
      textVersion: c.text_version,
    })),
    ...(a.guarantor
      ? { guarantor: { name: a.guarantor.name, idNumber: a.guarantor.idNumber, phone: a.guarantor.phone } }
      : {}),
    ...(a.collateral
      ? {
          collateral: {
            type: a.collateral.type,
            description: a.collateral.description,
            appraisedValue: a.collateral.appraisedValue,
          },
        }
      : {}),
  });
}
