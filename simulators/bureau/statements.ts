import { Decimal } from 'decimal.js';
import type { StatementSummary } from '../../domain/types.js';
import { bureauProfileOf, hashSlots } from './profiles.js';

const RISKY = new Set(['DELINQUENT', 'BLACKLISTED']);

function fraction(slot: number, minPercent: number, maxPercent: number): Decimal {
  return new Decimal(minPercent + (slot % (maxPercent - minPercent + 1))).dividedBy(100);
}

/**
 * A bank-statement analysis consistent with the declared income: inflow is 80–120% of it, outflow
 * 50–95% of inflow (85–110% for DELINQUENT and BLACKLISTED people, who also bounce payments), all
 * chosen by the ID number's hash, so the same inputs always give the same summary.
 */
export function analyzeStatement(idNumber: string, declaredMonthlyIncome: string): StatementSummary {
  const [months, inflowShare, outflowShare, variability, bounced] = hashSlots(idNumber).slice(3, 8) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const risky = RISKY.has(bureauProfileOf(idNumber));
  const inflow = new Decimal(declaredMonthlyIncome)
    .times(fraction(inflowShare, 80, 120))
    .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const outflow = inflow
    .times(risky ? fraction(outflowShare, 85, 110) : fraction(outflowShare, 50, 95))
    .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return {
    monthsCovered: 6 + (months % 7),
    averageMonthlyInflow: inflow.toFixed(2),
    averageMonthlyOutflow: outflow.toFixed(2),
    inflowVariability: fraction(variability, 5, 60).toFixed(4),
    bouncedPayments: risky ? 1 + (bounced % 4) : bounced % 10 === 0 ? 1 : 0,
  };
}
