// The field rules a lending-account record must meet before it is sent: dates real and in order,
// amounts in cents and never negative, the ID number's check digit, the name, the codes, and the
// account status agreeing with its figures. Every problem is named by its field, in Chinese and
// English. Pure.
import { compareDates, isValidLocalDate } from '../dates.js';
import { problem, type FieldProblem } from '../errors.js';
import { money } from '../money.js';
import { LOAN_CLASSES } from '../types.js';
import { idNumberCheckChar } from '../validation/id-number.js';
import { ACCOUNT_STATUSES, STATUS_CODES, overdueStatusCode } from './account-state.js';
import {
  ACCOUNT_STATUS_CODES,
  FIVE_LEVEL_CODES,
  FREQUENCY_CODES,
  RECORD_TYPES,
  type LendingAccountRecord,
} from './record.js';

const ACCOUNT_ID = /^[A-Za-z0-9-]{1,60}$/;
const ID_SHAPE = /^\d{17}[\dX]$/;
/** Yuan and exactly two decimals (cents), at most 11 integer digits. */
const AMOUNT = /^(0|[1-9]\d{0,10})\.\d{2}$/;

function checkDate(value: unknown, field: string, problems: FieldProblem[]): boolean {
  if (isValidLocalDate(value)) return true;
  problems.push(problem(field, 'INVALID_DATE', '日期须为有效的 YYYY-MM-DD', 'must be a real date, YYYY-MM-DD'));
  return false;
}

function checkAmount(value: unknown, field: string, problems: FieldProblem[]): boolean {
  if (typeof value === 'string' && AMOUNT.test(value)) return true;
  problems.push(
    problem(
      field,
      'INVALID_AMOUNT',
      '金额须为非负数，精确到分（两位小数）',
      'must be a non-negative amount in cents (two decimals)',
    ),
  );
  return false;
}

function checkCount(value: unknown, field: string, min: number, max: number, problems: FieldProblem[]): boolean {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return true;
  problems.push(
    problem(field, 'INVALID_COUNT', `须为 ${min} 至 ${max} 的整数`, `must be a whole number from ${min} to ${max}`),
  );
  return false;
}

function checkIdNumber(value: unknown, field: string, problems: FieldProblem[]): void {
  if (typeof value !== 'string' || !ID_SHAPE.test(value)) {
    problems.push(
      problem(field, 'INVALID_FORMAT', '身份证号码须为17位数字加校验位', 'must be 17 digits and a check character'),
    );
    return;
  }
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17])
    problems.push(problem(field, 'INVALID_CHECKSUM', '身份证号码校验位不正确', 'the check character does not match'));
}

/** Every problem of the record; empty when it may be sent. */
export function validateRecord(record: LendingAccountRecord): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { basics: b, performance: p } = record;
  if (typeof record.recordId !== 'string' || record.recordId.length === 0 || record.recordId.length > 120)
    problems.push(problem('recordId', 'REQUIRED', '须有记录标识', 'a record id is required'));
  if (!RECORD_TYPES.includes(record.recordType))
    problems.push(problem('recordType', 'INVALID_CODE', '记录类型无效', 'unknown record type'));
  if ((record.recordType === 'NEW') !== (record.correctsRecordId === null))
    problems.push(
      problem(
        'correctsRecordId',
        'INVALID_REFERENCE',
        '更正或删除记录须指明原记录，新增记录不得指明',
        'a correction or deletion names the record it replaces; a new record names none',
      ),
    );
  const reportDateOk = checkDate(record.reportDate, 'reportDate', problems);

  if (!ACCOUNT_ID.test(b.accountId))
    problems.push(problem('basics.accountId', 'INVALID_FORMAT', '账户标识格式不正确', 'malformed account id'));
  if (b.accountType !== 'D1')
    problems.push(problem('basics.accountType', 'INVALID_CODE', '账户类型无效', 'unknown account type'));
  if (b.currency !== 'CNY')
    problems.push(problem('basics.currency', 'INVALID_CODE', '币种须为 CNY', 'currency must be CNY'));
  if (b.frequencyCode !== FREQUENCY_CODES[b.repaymentFrequency])
    problems.push(
      problem(
        'basics.frequencyCode',
        'INVALID_CODE',
        '还款频率代码与还款频率不符',
        'does not match the repayment frequency',
      ),
    );
  if (b.idType !== '10') problems.push(problem('basics.idType', 'INVALID_CODE', '证件类型无效', 'unknown ID type'));
  checkIdNumber(b.idNumber, 'basics.idNumber', problems);
  if (typeof b.name !== 'string' || b.name.trim().length === 0 || Array.from(b.name).length > 30)
    problems.push(problem('basics.name', 'INVALID_NAME', '姓名须为 1 至 30 个字', 'name must have 1 to 30 characters'));
  const openOk = checkDate(b.openDate, 'basics.openDate', problems);
  const maturityOk = checkDate(b.maturityDate, 'basics.maturityDate', problems);
  if (openOk && maturityOk && compareDates(b.maturityDate, b.openDate) < 0)
    problems.push(problem('basics.maturityDate', 'BEFORE_OPEN_DATE', '到期日早于开户日', 'is before the open date'));
  if (openOk && reportDateOk && compareDates(b.openDate, record.reportDate) > 0)
    problems.push(problem('basics.openDate', 'AFTER_REPORT_DATE', '开户日晚于报送日期', 'is after the report date'));
  const amountOk = checkAmount(b.amount, 'basics.amount', problems);
  if (amountOk && money(b.amount).lte(0))
    problems.push(problem('basics.amount', 'NOT_POSITIVE', '借款金额须大于零', 'must be more than zero'));
  checkCount(b.installmentCount, 'basics.installmentCount', 1, 600, problems);

  const balanceOk = checkAmount(p.balance, 'performance.balance', problems);
  const overdueOk = checkAmount(p.overdueAmount, 'performance.overdueAmount', problems);
  const daysOk = checkCount(p.overdueDays, 'performance.overdueDays', 0, 36_500, problems);
  checkCount(p.overduePeriods, 'performance.overduePeriods', 0, 600, problems);
  if (!LOAN_CLASSES.includes(p.fiveLevelClass) || p.fiveLevelCode !== FIVE_LEVEL_CODES[p.fiveLevelClass])
    problems.push(problem('performance.fiveLevelCode', 'INVALID_CODE', '五级分类代码无效', 'unknown five-level class'));
  if (!ACCOUNT_STATUSES.includes(p.accountStatus) || p.accountStatusCode !== ACCOUNT_STATUS_CODES[p.accountStatus])
    problems.push(
      problem('performance.accountStatusCode', 'INVALID_CODE', '账户状态代码无效', 'unknown account status'),
    );
  if (!STATUS_CODES.includes(p.statusCode))
    problems.push(
      problem('performance.statusCode', 'INVALID_CODE', '还款状态代码无效', 'unknown repayment status code'),
    );
  if ((p.lastPaymentDate === null) !== (p.lastPaymentAmount === null))
    problems.push(
      problem(
        'performance.lastPaymentAmount',
        'INCOMPLETE_PAYMENT',
        '最近一次还款日期与金额须同时填写',
        'the last payment needs both its date and its amount',
      ),
    );
  if (p.lastPaymentDate !== null && checkDate(p.lastPaymentDate, 'performance.lastPaymentDate', problems)) {
    if (reportDateOk && compareDates(p.lastPaymentDate, record.reportDate) > 0)
      problems.push(
        problem(
          'performance.lastPaymentDate',
          'AFTER_REPORT_DATE',
          '最近还款日晚于报送日期',
          'is after the report date',
        ),
      );
  }
  if (p.lastPaymentAmount !== null) checkAmount(p.lastPaymentAmount, 'performance.lastPaymentAmount', problems);

  if (overdueOk && daysOk) {
    const overdue = p.overdueDays > 0;
    if (overdue !== money(p.overdueAmount).gt(0) && p.accountStatus !== 'BAD_DEBT')
      problems.push(
        problem(
          'performance.overdueAmount',
          'INCONSISTENT_OVERDUE',
          '逾期金额与逾期天数不一致',
          'the overdue amount and the overdue days disagree',
        ),
      );
    if (p.accountStatus === 'OVERDUE' && (!overdue || p.statusCode !== overdueStatusCode(p.overdueDays)))
      problems.push(
        problem(
          'performance.statusCode',
          'INCONSISTENT_STATUS',
          '逾期账户的还款状态须与逾期天数相符',
          'an overdue account’s status code must match its overdue days',
        ),
      );
    if (p.accountStatus === 'NORMAL' && overdue)
      problems.push(
        problem(
          'performance.accountStatus',
          'INCONSISTENT_STATUS',
          '正常账户不得有逾期',
          'a normal account cannot be overdue',
        ),
      );
  }
  if (p.accountStatus === 'CLOSED') {
    if (p.statusCode !== 'C')
      problems.push(
        problem('performance.statusCode', 'INCONSISTENT_STATUS', '结清账户状态须为 C', 'a closed account reports C'),
      );
    if (balanceOk && !money(p.balance).eq(0))
      problems.push(
        problem('performance.balance', 'INCONSISTENT_STATUS', '结清账户余额须为零', 'a closed account has no balance'),
      );
  }
  if (p.accountStatus === 'BAD_DEBT' && p.statusCode !== 'B')
    problems.push(
      problem('performance.statusCode', 'INCONSISTENT_STATUS', '呆账账户状态须为 B', 'a bad-debt account reports B'),
    );
  return problems;
}
