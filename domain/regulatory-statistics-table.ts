// The monthly regulatory report as one table (section, item, loans or payments, amount), the shape
// its CSV export takes, with the headings and names in the language asked for.
import { LOAN_CLASS_NAMES, LOAN_TYPE_NAMES } from './labels.js';
import type {
  AprBand,
  BorrowerKind,
  OverdueBucket,
  RegulatoryMonthlyReport,
  TermBand,
} from './regulatory-statistics.js';
import type { BilingualText } from './types.js';

export type Lang = 'zh' | 'en';

export const BORROWER_KIND_NAMES: Readonly<Record<BorrowerKind, BilingualText>> = {
  INDIVIDUAL: { zh: '自然人', en: 'Individual' },
  INDIVIDUAL_BUSINESS: { zh: '个体工商户', en: 'Sole proprietor' },
  FARMER: { zh: '农户', en: 'Farmer' },
};

export const TERM_BAND_NAMES: Readonly<Record<TermBand, BilingualText>> = {
  UP_TO_3M: { zh: '3个月（含）以内', en: 'Up to 3 months' },
  M3_TO_6M: { zh: '3至6个月（含）', en: '3 to 6 months' },
  M6_TO_12M: { zh: '6至12个月（含）', en: '6 to 12 months' },
  Y1_TO_3Y: { zh: '1至3年（含）', en: '1 to 3 years' },
  OVER_3Y: { zh: '3年以上', en: 'Over 3 years' },
};

export const APR_BAND_NAMES: Readonly<Record<AprBand, BilingualText>> = {
  UP_TO_4LPR: { zh: '15.4%（4倍LPR）及以下', en: 'Up to 15.4% (4 × LPR)' },
  LPR4_TO_24: { zh: '15.4%至24%（含）', en: '15.4% to 24%' },
  P24_TO_36: { zh: '24%至36%（含）', en: '24% to 36%' },
  OVER_36: { zh: '36%以上', en: 'Over 36%' },
};

export const OVERDUE_BUCKET_NAMES: Readonly<Record<OverdueBucket, BilingualText>> = {
  D1_30: { zh: '逾期1-30天', en: '1–30 days past due' },
  D31_90: { zh: '逾期31-90天', en: '31–90 days past due' },
  D91_180: { zh: '逾期91-180天', en: '91–180 days past due' },
  D181_360: { zh: '逾期181-360天', en: '181–360 days past due' },
  OVER_360: { zh: '逾期360天以上', en: 'More than 360 days past due' },
};

const SECTION_NAMES = {
  period: { zh: '报告期', en: 'Reporting period' },
  balance: { zh: '贷款余额', en: 'Loan balance' },
  byLoanType: { zh: '余额-按贷款类型', en: 'Balance by loan type' },
  byTermBand: { zh: '余额-按期限', en: 'Balance by term' },
  byClass: { zh: '余额-按五级分类', en: 'Balance by five-level class' },
  byBorrowerKind: { zh: '余额-按借款人类型', en: 'Balance by borrower kind' },
  newLoans: { zh: '当月新增贷款', en: 'New loans in the month' },
  aprNew: { zh: '当月新增-按年化利率', en: 'New loans by APR' },
  aprHeld: { zh: '余额-按年化利率', en: 'Balance by APR' },
  overdue: { zh: '逾期贷款', en: 'Overdue loans' },
  writeOffs: { zh: '当月核销', en: 'Written off in the month' },
  recoveries: { zh: '当月核销后收回', en: 'Recovered after write-off in the month' },
} as const satisfies Record<string, BilingualText>;

const WORDS = {
  section: { zh: '项目分类', en: 'Section' },
  item: { zh: '项目', en: 'Item' },
  count: { zh: '笔数', en: 'Count' },
  amount: { zh: '金额（元）', en: 'Amount (CNY)' },
  total: { zh: '合计', en: 'Total' },
  asOf: { zh: '余额截至', en: 'Balances as of' },
  monthOpen: { zh: '（本月尚未结束）', en: ' (month not over)' },
} as const satisfies Record<string, BilingualText>;

export type ReportCell = string | number | null;

/** The header row, then one row per figure. */
export function regulatoryReportRows(r: RegulatoryMonthlyReport, lang: Lang): ReportCell[][] {
  const s = (k: keyof typeof SECTION_NAMES) => SECTION_NAMES[k][lang];
  const w = (k: keyof typeof WORDS) => WORDS[k][lang];
  const rows: ReportCell[][] = [[w('section'), w('item'), w('count'), w('amount')]];
  rows.push([s('period'), `${r.month} ${w('asOf')} ${r.asOf}${r.monthEnded ? '' : w('monthOpen')}`, null, null]);
  rows.push([s('balance'), w('total'), r.balance.loans, r.balance.principal]);
  for (const b of r.byLoanType) rows.push([s('byLoanType'), LOAN_TYPE_NAMES[b.loanType][lang], b.loans, b.principal]);
  for (const b of r.byTermBand) rows.push([s('byTermBand'), TERM_BAND_NAMES[b.termBand][lang], b.loans, b.principal]);
  for (const b of r.byClass) rows.push([s('byClass'), LOAN_CLASS_NAMES[b.classification][lang], b.loans, b.principal]);
  for (const b of r.byBorrowerKind)
    rows.push([s('byBorrowerKind'), BORROWER_KIND_NAMES[b.borrowerKind][lang], b.loans, b.principal]);
  rows.push([s('newLoans'), w('total'), r.newLoans.loans, r.newLoans.principal]);
  for (const b of r.aprDistribution)
    rows.push([s('aprNew'), APR_BAND_NAMES[b.aprBand][lang], b.newLoans, b.newPrincipal]);
  for (const b of r.aprDistribution)
    rows.push([s('aprHeld'), APR_BAND_NAMES[b.aprBand][lang], b.outstandingLoans, b.outstandingPrincipal]);
  rows.push([s('overdue'), w('total'), r.overdue.loans, r.overdue.principal]);
  for (const b of r.overdue.byBucket)
    rows.push([s('overdue'), OVERDUE_BUCKET_NAMES[b.bucket][lang], b.loans, b.principal]);
  rows.push([s('writeOffs'), w('total'), r.writeOffs.loans, r.writeOffs.amount]);
  rows.push([s('recoveries'), w('total'), r.recoveries.payments, r.recoveries.amount]);
  return rows;
}
