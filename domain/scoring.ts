import { gradeForScore, type CreditGrade } from './credit-grade.js';
import { INDUSTRIES } from './industries.js';
import type { LoanProduct } from './products.js';
import type {
  BilingualText,
  BureauReport,
  Frequency,
  InternalHistory,
  LocalDate,
  Money,
  Rate,
  StatementSummary,
} from './types.js';
import { Dec, toMoney } from './money.js';
import type { Application } from './validation/application.js';
import { daysBetween, isValidLocalDate } from './dates.js';
import { formatPercent, toRate } from './rates.js';

export const WARNING_SEVERITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export type WarningSeverity = (typeof WARNING_SEVERITIES)[number];

export interface CreditFactor {
  code: string;
  label: BilingualText;
  /** Points added to (or, when negative, taken from) the base score. */
  contribution: number;
  detail: BilingualText;
}

export interface CreditWarning {
  code: string;
  severity: WarningSeverity;
  message: BilingualText;
}

/** Facts the decision rules read directly, so they never depend on warning wording. */
export interface CreditSignals {
  blacklisted: boolean;
  bureauCurrentOverdue: Money;
  internalCurrentlyOverdue: boolean;
  thinFile: boolean;
  /** Income the assessment relied on, after caution about declared and statement figures. */
  assessedMonthlyIncome: Money;
  /** (amount + existing liens) / appraised value, for COLLATERAL loans; otherwise null. */
  ltv: Rate | null;
}

export interface CreditAssessment {
  /** 0–1000; always BASE_SCORE plus the sum of factor contributions. */
  score: number;
  grade: CreditGrade;
  factors: CreditFactor[];
  warnings: CreditWarning[];
  /** Largest amount the assessment supports, in whole hundreds; "0.00" when below the product minimum. */
  recommendedLimit: Money;
  rateBand: { min: Rate; max: Rate };
  /** (bureau monthly debt + the new loan's monthly burden) / assessed monthly income, capped at 9.9999. */
  dti: Rate;
  signals: CreditSignals;
}

export interface CreditAssessmentInput {
  application: Application;
  product: LoanProduct;
  bureau: BureauReport;
  statement: StatementSummary;
  history: InternalHistory;
  /** What the requested loan adds to the monthly payments (repayment-burden.ts; loans assessed before it: the first installment). */
  newInstallment: Money;
  guarantorBureau?: BureauReport;
  asOf: LocalDate;
}

export const BASE_SCORE = 550;
export const DTI_WARNING_ABOVE: Rate = '0.5000';
export const MULTI_LENDING_QUERIES = 6;
const DTI_CAP = new Dec('9.9999');
const DEFAULT_MAX_LTV = '0.7000';
const BUREAU_STALE_AFTER_DAYS = 30;

const PERIODS_PER_YEAR: Readonly<Record<Frequency, number>> = { MONTHLY: 12, BIWEEKLY: 26, WEEKLY: 52, DAILY: 365 };
/** Share of the capacity-based limit offered to each grade. */
const GRADE_LIMIT_FACTOR: Readonly<Record<CreditGrade, string>> = { A: '1', B: '0.85', C: '0.65', D: '0.4', E: '0' };
/** Position of each grade's band within the product's rate range, as [from, to] fractions. */
const GRADE_RATE_POSITION: Readonly<Record<CreditGrade, readonly [string, string]>> = {
  A: ['0', '0.25'],
  B: ['0.25', '0.5'],
  C: ['0.5', '0.75'],
  D: ['0.75', '1'],
  E: ['1', '1'],
};

class Scorecard {
  readonly factors: CreditFactor[] = [];
  readonly warnings: CreditWarning[] = [];

  factor(code: string, contribution: number, label: [string, string], detail: [string, string]): void {
    this.factors.push({
      code,
      label: { zh: label[0], en: label[1] },
      contribution,
      detail: { zh: detail[0], en: detail[1] },
    });
  }

  warn(code: string, severity: WarningSeverity, zh: string, en: string): void {
    this.warnings.push({ code, severity, message: { zh, en } });
  }

  total(): number {
    return this.factors.reduce((sum, f) => sum + f.contribution, BASE_SCORE);
  }
}

/**
 * Scores an application from the bureau report, the bank-statement analysis and our own history.
 * Deterministic: the same input always gives the same assessment.
 */
export function assessCredit(input: CreditAssessmentInput): CreditAssessment {
  const { application, product, bureau, statement, history, asOf } = input;
  const card = new Scorecard();

  const thinFile = scoreBureau(card, bureau);
  scoreMultiLending(card, bureau);
  const income = assessIncome(card, application, statement);
  const dti = scoreCapacity(card, bureau, input.newInstallment, income);
  scoreStatement(card, statement, application.loanType === 'FARMER');
  scoreInternalHistory(card, history);

  let ltv: Rate | null = null;
  switch (application.loanType) {
    case 'INDIVIDUAL_BUSINESS':
      scoreBusiness(card, application, statement);
      break;
    case 'FARMER':
      scoreFarm(card, application, statement);
      break;
    case 'COLLATERAL':
      ltv = scoreCollateral(card, application, product);
      break;
    case 'GUARANTEED':
      scoreGuarantor(card, application, input.guarantorBureau, input.newInstallment);
      break;
    default:
      break;
  }
  checkBureauAge(card, bureau, asOf);

  const raw = card.total();
  const score = Math.min(1000, Math.max(0, raw));
  if (score !== raw) {
    card.factor(
      'SCORE_BOUND',
      score - raw,
      ['分数边界', 'Score bounds'],
      ['评分限定在0至1000之间', 'Scores are kept between 0 and 1000'],
    );
  }
  const grade = gradeForScore(score);
  const rateBand = rateBandFor(grade, product);
  const signals: CreditSignals = {
    blacklisted: bureau.blacklisted,
    bureauCurrentOverdue: toMoney(bureau.currentOverdueAmount),
    internalCurrentlyOverdue: history.currentlyOverdue,
    thinFile,
    assessedMonthlyIncome: toMoney(income),
    ltv,
  };
  return {
    score,
    grade,
    factors: card.factors,
    warnings: card.warnings,
    recommendedLimit: recommendLimit(application, product, bureau, income, grade, rateBand.max, signals),
    rateBand,
    dti: toRate(dti, 4),
    signals,
  };
}

function scoreBureau(card: Scorecard, bureau: BureauReport): boolean {
  const thinFile = bureau.score === null || bureau.creditHistoryMonths < 6;
  if (thinFile) {
    card.factor(
      'THIN_FILE',
      -40,
      ['征信记录不足', 'Thin credit file'],
      [
        `征信历史 ${bureau.creditHistoryMonths} 个月，无可用评分`,
        `${bureau.creditHistoryMonths} months of credit history, no usable bureau score`,
      ],
    );
    card.warn('THIN_FILE', 'MEDIUM', '征信记录不足（白户），需人工核实', 'Thin credit file; needs manual verification');
  } else {
    const bureauScore = bureau.score!;
    card.factor(
      'BUREAU_SCORE',
      Math.round((bureauScore - 600) * 0.8),
      ['征信评分', 'Bureau score'],
      [`征信评分 ${bureauScore}（300–850）`, `Bureau score ${bureauScore} (300–850)`],
    );
    const days = bureau.maxOverdueDaysLast24Months;
    const [points, zh, en] =
      days === 0
        ? [30, '近24个月无逾期', 'No late payments in 24 months']
        : days <= 30
          ? [-30, `近24个月最长逾期 ${days} 天`, `Longest delay in 24 months: ${days} days`]
          : days <= 90
            ? [-90, `近24个月最长逾期 ${days} 天`, `Longest delay in 24 months: ${days} days`]
            : [-150, `近24个月最长逾期 ${days} 天（严重）`, `Longest delay in 24 months: ${days} days (serious)`];
    card.factor('BUREAU_REPAYMENT_RECORD', points, ['征信还款记录', 'Bureau repayment record'], [zh, en]);
  }
  if (new Dec(bureau.currentOverdueAmount).gt(0)) {
    const amount = toMoney(bureau.currentOverdueAmount);
    card.factor(
      'BUREAU_CURRENT_OVERDUE',
      -200,
      ['当前逾期', 'Currently overdue'],
      [`征信显示当前逾期 ${amount} 元`, `Bureau shows ${amount} overdue now`],
    );
    card.warn(
      'BUREAU_CURRENT_OVERDUE',
      'HIGH',
      `征信显示当前逾期金额 ${amount} 元`,
      `Bureau reports ${amount} currently overdue`,
    );
  }
  if (bureau.blacklisted) {
    card.factor('BLACKLISTED', -300, ['黑名单', 'Blacklist'], ['命中征信黑名单', 'Listed on the bureau blacklist']);
    card.warn('BLACKLISTED', 'HIGH', '命中黑名单', 'Blacklist hit');
  }
  if (bureau.openLoans >= 5) {
    card.factor(
      'OPEN_LOANS',
      -40,
      ['在贷笔数', 'Open loans'],
      [`在贷 ${bureau.openLoans} 笔`, `${bureau.openLoans} open loans`],
    );
  } else if (bureau.openLoans >= 3) {
    card.factor(
      'OPEN_LOANS',
      -15,
      ['在贷笔数', 'Open loans'],
      [`在贷 ${bureau.openLoans} 笔`, `${bureau.openLoans} open loans`],
    );
  }
  return thinFile;
}

function scoreMultiLending(card: Scorecard, bureau: BureauReport): void {
  const queries = bureau.queriesLast3Months;
  if (queries >= MULTI_LENDING_QUERIES) {
    card.factor(
      'RECENT_APPLICATIONS',
      -60,
      ['近期申请次数', 'Recent credit applications'],
      [`近3个月被 ${queries} 家机构查询`, `${queries} lender enquiries in 3 months`],
    );
    card.warn(
      'MULTI_LENDING',
      queries >= 10 ? 'HIGH' : 'MEDIUM',
      `多头借贷：近3个月征信查询 ${queries} 次`,
      `Borrowing from many lenders: ${queries} enquiries in 3 months`,
    );
  } else if (queries >= 3) {
    card.factor(
      'RECENT_APPLICATIONS',
      -20,
      ['近期申请次数', 'Recent credit applications'],
      [`近3个月被 ${queries} 家机构查询`, `${queries} lender enquiries in 3 months`],
    );
  }
}

/**
 * Monthly income to rely on: the larger of the declared income and the statement inflow, each
 * taken with caution. Statement inflow counts at 80% (60% with only 3–5 months; nothing under 3
 * months) since not every inflow is income. Declared income counts up to 1.5× a statement that
 * covers at least 3 months, and at 70% when there is no such statement to check it against.
 */
function assessIncome(card: Scorecard, application: Application, statement: StatementSummary): Dec {
  const declared = new Dec(application.applicant.monthlyIncome);
  const inflow = new Dec(statement.averageMonthlyInflow);
  const reliable = statement.monthsCovered >= 3;
  const statementIncome = inflow.times(statement.monthsCovered >= 6 ? '0.8' : reliable ? '0.6' : '0');
  let declaredCredited: Dec;
  if (reliable) {
    const ceiling = inflow.times('1.5');
    declaredCredited = Dec.min(declared, ceiling);
    if (declared.gt(ceiling)) {
      card.warn(
        'INCOME_NOT_SUPPORTED',
        'MEDIUM',
        `申报月收入 ${toMoney(declared)} 元明显高于流水`,
        `Declared income ${toMoney(declared)} is well above the statement inflow`,
      );
    }
  } else {
    declaredCredited = declared.times('0.7');
  }
  return Dec.max(declaredCredited, statementIncome).toDecimalPlaces(2, Dec.ROUND_DOWN);
}

function scoreCapacity(card: Scorecard, bureau: BureauReport, newInstallment: Money, income: Dec): Dec {
  const debt = new Dec(bureau.monthlyDebtPayments).plus(newInstallment);
  const dti = income.isZero() ? DTI_CAP : Dec.min(debt.div(income), DTI_CAP);
  const points = dti.lte('0.3') ? 80 : dti.lte('0.4') ? 40 : dti.lte('0.5') ? 0 : dti.lte('0.7') ? -80 : -160;
  const shown = formatPercent(toRate(dti, 4), 1);
  card.factor(
    'REPAYMENT_CAPACITY',
    points,
    ['还款能力', 'Repayment capacity'],
    [
      `负债收入比 ${shown}（月还款 ${toMoney(debt)} 元 / 认定月收入 ${toMoney(income)} 元）`,
      `Debt-to-income ${shown} (monthly payments ${toMoney(debt)} / assessed income ${toMoney(income)})`,
    ],
  );
  if (dti.gt(DTI_WARNING_ABOVE)) {
    card.warn('HIGH_DTI', 'HIGH', `负债收入比 ${shown}，超过50%`, `Debt-to-income ${shown} is above 50%`);
  }
  return dti;
}

function scoreStatement(card: Scorecard, statement: StatementSummary, seasonalBusiness: boolean): void {
  const months = statement.monthsCovered;
  if (months >= 6) {
    card.factor(
      'STATEMENT_HISTORY',
      15,
      ['流水覆盖期', 'Statement coverage'],
      [`银行流水覆盖 ${months} 个月`, `Bank statement covers ${months} months`],
    );
  } else if (months < 3) {
    card.factor(
      'STATEMENT_HISTORY',
      -30,
      ['流水覆盖期', 'Statement coverage'],
      [`银行流水仅覆盖 ${months} 个月`, `Bank statement covers only ${months} months`],
    );
    card.warn('SHORT_STATEMENT', 'LOW', '银行流水不足3个月', 'Bank statement covers less than 3 months');
  }
  // Farm income is seasonal by nature; its variability is judged in scoreFarm instead.
  if (!seasonalBusiness) {
    const cv = new Dec(statement.inflowVariability);
    const shown = formatPercent(toRate(cv, 4), 0);
    if (cv.lte('0.25'))
      card.factor(
        'INCOME_STABILITY',
        15,
        ['收入稳定性', 'Income stability'],
        [`月入账波动 ${shown}，稳定`, `Monthly inflow varies ${shown}: steady`],
      );
    else if (cv.gt('0.6'))
      card.factor(
        'INCOME_STABILITY',
        -25,
        ['收入稳定性', 'Income stability'],
        [`月入账波动 ${shown}，不稳定`, `Monthly inflow varies ${shown}: unsteady`],
      );
  }
  if (months > 0 && new Dec(statement.averageMonthlyOutflow).gt(statement.averageMonthlyInflow)) {
    card.factor(
      'NEGATIVE_CASH_FLOW',
      -30,
      ['现金流', 'Cash flow'],
      ['月均支出高于月均收入', 'Average monthly outflow exceeds inflow'],
    );
  }
  const bounced = statement.bouncedPayments;
  if (bounced === 0 && months > 0) {
    card.factor(
      'BOUNCED_PAYMENTS',
      10,
      ['扣款失败', 'Bounced payments'],
      ['流水中无扣款失败', 'No bounced payments on the statement'],
    );
  } else if (bounced > 0) {
    card.factor(
      'BOUNCED_PAYMENTS',
      -Math.min(100, 25 * bounced),
      ['扣款失败', 'Bounced payments'],
      [`扣款失败 ${bounced} 次`, `${bounced} bounced payments`],
    );
    card.warn(
      'BOUNCED_PAYMENTS',
      bounced >= 3 ? 'MEDIUM' : 'LOW',
      `流水中扣款失败 ${bounced} 次`,
      `${bounced} bounced payments on the statement`,
    );
  }
}

function scoreInternalHistory(card: Scorecard, history: InternalHistory): void {
  const label: [string, string] = ['本机构还款记录', 'History with us'];
  if (history.loansWrittenOff > 0) {
    card.factor('PRIOR_WRITE_OFF', -250, label, [
      `曾有 ${history.loansWrittenOff} 笔贷款核销`,
      `${history.loansWrittenOff} earlier loans written off`,
    ]);
    card.warn('PRIOR_WRITE_OFF', 'HIGH', '在本机构有核销记录', 'Has a loan written off with us');
  }
  if (history.currentlyOverdue) {
    card.factor('INTERNAL_OVERDUE', -200, label, ['在本机构有贷款正在逾期', 'A loan with us is overdue now']);
    card.warn('INTERNAL_OVERDUE', 'HIGH', '在本机构有贷款正在逾期', 'A loan with us is currently overdue');
  }
  if (history.maxDaysPastDue > 30) {
    card.factor('INTERNAL_LATE_PAYMENTS', -60, label, [
      `在本机构最长逾期 ${history.maxDaysPastDue} 天`,
      `Longest delay with us: ${history.maxDaysPastDue} days`,
    ]);
  } else if (history.maxDaysPastDue > 0) {
    card.factor('INTERNAL_LATE_PAYMENTS', -20, label, [
      `在本机构最长逾期 ${history.maxDaysPastDue} 天`,
      `Longest delay with us: ${history.maxDaysPastDue} days`,
    ]);
  } else if (history.loansRepaid > 0 && history.loansWrittenOff === 0) {
    const points = Math.min(60, 15 * history.loansRepaid);
    card.factor('REPEAT_CUSTOMER', points, label, [
      `已按时结清 ${history.loansRepaid} 笔贷款`,
      `${history.loansRepaid} loans repaid on time`,
    ]);
  }
  if (history.activeLoans >= 2) {
    card.factor('ACTIVE_LOANS_WITH_US', -30, label, [
      `在本机构已有 ${history.activeLoans} 笔在贷`,
      `${history.activeLoans} loans with us already active`,
    ]);
  }
}

function scoreBusiness(card: Scorecard, application: Application, statement: StatementSummary): void {
  const business = application.business;
  if (!business) return;
  const industry = INDUSTRIES[business.industry];
  const tierPoints = { LOW: 20, MEDIUM: 0, HIGH: -40 }[industry.riskTier];
  const tierName = { LOW: ['低', 'low'], MEDIUM: ['中', 'medium'], HIGH: ['高', 'high'] }[industry.riskTier];
  card.factor(
    'INDUSTRY_RISK',
    tierPoints,
    ['行业风险', 'Industry risk'],
    [`${industry.name.zh}，行业风险${tierName[0]}`, `${industry.name.en}: ${tierName[1]} industry risk`],
  );

  const annualRevenue = new Dec(business.monthlyRevenue).times(12);
  const ratio = new Dec(application.amount).div(annualRevenue);
  const points = ratio.lte('0.25') ? 30 : ratio.lte('0.5') ? 10 : ratio.lte('1') ? -20 : -60;
  const shown = formatPercent(toRate(ratio, 4), 0);
  card.factor(
    'BUSINESS_SCALE',
    points,
    ['经营规模', 'Business scale'],
    [`申请金额为年营业额的 ${shown}`, `Requested amount is ${shown} of annual revenue`],
  );
  if (ratio.gt(1)) {
    card.warn('LOAN_EXCEEDS_REVENUE', 'MEDIUM', '申请金额超过年营业额', 'Requested amount exceeds annual revenue');
  }
  if (
    statement.monthsCovered >= 3 &&
    new Dec(business.monthlyRevenue).gt(new Dec(statement.averageMonthlyInflow).times(2))
  ) {
    card.factor(
      'REVENUE_NOT_SUPPORTED',
      -20,
      ['营业额核实', 'Revenue check'],
      ['申报营业额超过流水入账的两倍', 'Declared revenue is more than twice the statement inflow'],
    );
    card.warn(
      'REVENUE_NOT_SUPPORTED',
      'MEDIUM',
      '申报营业额与流水不符',
      'Declared revenue is not supported by the statement',
    );
  }
}

function scoreFarm(card: Scorecard, application: Application, statement: StatementSummary): void {
  const farm = application.farm;
  if (!farm) return;
  const area = new Dec(farm.landAreaMu);
  const points = area.gte(50) ? 30 : area.gte(10) ? 15 : area.gte(3) ? 0 : -20;
  card.factor(
    'FARM_SCALE',
    points,
    ['经营规模', 'Farm scale'],
    [`经营土地 ${farm.landAreaMu} 亩`, `${farm.landAreaMu} mu of land farmed`],
  );
  if (farm.cooperative !== undefined) {
    card.factor(
      'COOPERATIVE_MEMBER',
      15,
      ['合作社', 'Cooperative'],
      [`合作社成员：${farm.cooperative}`, `Member of a cooperative: ${farm.cooperative}`],
    );
  }
  if (farm.crops.length >= 2 || (farm.crops.length >= 1 && farm.livestock !== undefined)) {
    card.factor(
      'DIVERSIFIED_FARMING',
      10,
      ['经营多样性', 'Diversification'],
      ['种养多样，风险分散', 'Several crops or livestock spread the risk'],
    );
  }

  const cv = new Dec(statement.inflowVariability);
  const shown = formatPercent(toRate(cv, 4), 0);
  const seasonal = cv.lte('0.4') ? 10 : cv.lte('0.8') ? 0 : -30;
  card.factor(
    'SEASONALITY',
    seasonal,
    ['收入季节性', 'Seasonality'],
    [`月入账波动 ${shown}`, `Monthly inflow varies ${shown}`],
  );
  if (cv.gt('0.8')) {
    card.warn(
      'SEASONAL_INCOME',
      'LOW',
      '收入季节性很强，注意还款日与收获期匹配',
      'Strongly seasonal income; match due dates to harvests',
    );
  }
  if (cv.gt('0.5') && (application.method === 'EQUAL_INSTALLMENT' || application.method === 'EQUAL_PRINCIPAL')) {
    card.factor(
      'SCHEDULE_VS_SEASONALITY',
      -15,
      ['还款方式匹配', 'Repayment fit'],
      ['收入季节性强，但选择了按月等额还款', 'Seasonal income repaid in equal monthly installments'],
    );
  }
}

function scoreCollateral(card: Scorecard, application: Application, product: LoanProduct): Rate | null {
  const collateral = application.collateral;
  if (!collateral) return null;
  const ltv = new Dec(application.amount).plus(collateral.existingLiens).div(collateral.appraisedValue);
  const points = ltv.lte('0.5') ? 80 : ltv.lte('0.7') ? 40 : ltv.lte('0.8') ? -20 : ltv.lte('1') ? -120 : -250;
  const shown = formatPercent(toRate(ltv, 4), 1);
  card.factor(
    'LOAN_TO_VALUE',
    points,
    ['抵押率', 'Loan-to-value'],
    [
      `抵押率 ${shown}（申请金额加已有负担 / 评估价值 ${toMoney(collateral.appraisedValue)} 元）`,
      `LTV ${shown} (amount plus existing liens / appraised value ${toMoney(collateral.appraisedValue)})`,
    ],
  );
  const maxLtv = product.maxLtv ?? DEFAULT_MAX_LTV;
  if (ltv.gt(maxLtv)) {
    card.warn(
      'HIGH_LTV',
      'HIGH',
      `抵押率 ${shown} 超过上限 ${formatPercent(maxLtv, 0)}`,
      `LTV ${shown} is above the ${formatPercent(maxLtv, 0)} limit`,
    );
  }
  return toRate(ltv, 4);
}

function scoreGuarantor(
  card: Scorecard,
  application: Application,
  bureau: BureauReport | undefined,
  newInstallment: Money,
): void {
  const guarantor = application.guarantor;
  if (!guarantor) return;
  const label: [string, string] = ['保证人', 'Guarantor'];
  if (!bureau) {
    card.factor('GUARANTOR_NOT_ASSESSED', -40, label, ['未取得保证人征信', 'No bureau report for the guarantor']);
    card.warn(
      'GUARANTOR_NOT_ASSESSED',
      'MEDIUM',
      '未取得保证人征信报告',
      'The guarantor has not been checked with the bureau',
    );
    return;
  }
  if (bureau.blacklisted) {
    card.factor('GUARANTOR_BLACKLISTED', -200, label, ['保证人命中黑名单', 'The guarantor is blacklisted']);
    card.warn('GUARANTOR_BLACKLISTED', 'HIGH', '保证人命中黑名单', 'The guarantor is on the blacklist');
  }
  if (new Dec(bureau.currentOverdueAmount).gt(0)) {
    card.factor('GUARANTOR_OVERDUE', -100, label, ['保证人当前有逾期', 'The guarantor is currently overdue']);
    card.warn('GUARANTOR_OVERDUE', 'HIGH', '保证人征信显示当前逾期', 'The guarantor has overdue debt now');
  }
  if (bureau.score === null || bureau.creditHistoryMonths < 6) {
    card.factor('GUARANTOR_CREDIT', -20, label, ['保证人征信记录不足', 'The guarantor has a thin credit file']);
  } else {
    card.factor('GUARANTOR_CREDIT', Math.round((bureau.score - 600) * 0.3), label, [
      `保证人征信评分 ${bureau.score}`,
      `Guarantor bureau score ${bureau.score}`,
    ]);
  }
  // Half the guarantor's income, less what they already pay, is what they could put toward our installment.
  const spare = new Dec(guarantor.monthlyIncome).times('0.5').minus(bureau.monthlyDebtPayments);
  const installment = new Dec(newInstallment);
  const coverage = installment.gt(0) ? spare.div(installment) : new Dec(99);
  const points = coverage.gte(2) ? 40 : coverage.gte(1) ? 15 : -40;
  card.factor('GUARANTOR_CAPACITY', points, label, [
    `保证人可用月收入 ${toMoney(Dec.max(spare, 0))} 元，为月供的 ${Dec.max(coverage, 0).toFixed(1)} 倍`,
    `Guarantor's spare monthly income ${toMoney(Dec.max(spare, 0))}, ${Dec.max(coverage, 0).toFixed(1)}× the installment`,
  ]);
  if (coverage.lt(1)) {
    card.warn(
      'GUARANTOR_WEAK_CAPACITY',
      'MEDIUM',
      '保证人代偿能力不足',
      "The guarantor's income could not cover the installment",
    );
  }
}

function checkBureauAge(card: Scorecard, bureau: BureauReport, asOf: LocalDate): void {
  const reportedOn = bureau.reportedAt.slice(0, 10);
  if (
    isValidLocalDate(reportedOn) &&
    isValidLocalDate(asOf) &&
    daysBetween(reportedOn, asOf) > BUREAU_STALE_AFTER_DAYS
  ) {
    card.warn('STALE_BUREAU_REPORT', 'LOW', '征信报告已超过30天', 'The bureau report is more than 30 days old');
  }
}

function rateBandFor(grade: CreditGrade, product: LoanProduct): { min: Rate; max: Rate } {
  const low = new Dec(product.minRate);
  const span = new Dec(product.maxRate).minus(low);
  const [from, to] = GRADE_RATE_POSITION[grade];
  return { min: toRate(low.plus(span.times(from)), 4), max: toRate(low.plus(span.times(to)), 4) };
}

/**
 * What the applicant can carry: the installment that would bring DTI to 50%, turned into a
 * principal as a level monthly annuity at the top of the grade's rate band over the requested
 * term, scaled by grade, capped by the product maximum and (for collateral) by maxLtv.
 */
function recommendLimit(
  application: Application,
  product: LoanProduct,
  bureau: BureauReport,
  income: Dec,
  grade: CreditGrade,
  annualRate: Rate,
  signals: CreditSignals,
): Money {
  if (signals.blacklisted || new Dec(signals.bureauCurrentOverdue).gt(0)) return '0.00';
  const affordable = income.times('0.5').minus(bureau.monthlyDebtPayments);
  if (affordable.lte(0)) return '0.00';
  const months = Math.max(1, Math.ceil((application.termCount * 12) / PERIODS_PER_YEAR[application.frequency]));
  const monthlyRate = new Dec(annualRate).div(12);
  const principal = monthlyRate.isZero()
    ? affordable.times(months)
    : affordable.times(new Dec(1).minus(monthlyRate.plus(1).pow(-months))).div(monthlyRate);
  let limit = principal.times(GRADE_LIMIT_FACTOR[grade]);
  limit = Dec.min(limit, product.maxAmount);
  if (application.collateral) {
    const maxLtv = product.maxLtv ?? DEFAULT_MAX_LTV;
    const room = new Dec(application.collateral.appraisedValue)
      .times(maxLtv)
      .minus(application.collateral.existingLiens);
    limit = Dec.min(limit, Dec.max(room, 0));
  }
  const hundreds = limit.div(100).floor().times(100);
  return hundreds.lt(product.minAmount) ? '0.00' : toMoney(hundreds);
}
