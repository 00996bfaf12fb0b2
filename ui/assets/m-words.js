// The borrower app's plain words: what a loan's status means to its borrower and what to do next,
// money and rates as a phone shows them, and the API's field errors in Chinese. Pure: no DOM, no
// fetch, so the unit suite tests it (test/unit/ui/m-words.test.ts).

/** @type {Record<string, { words: string, hint: string }>} */
const STATUS = {
  AWAITING_DOCUMENTS: { words: '待上传资料', hint: '请上传下面还缺的资料，齐全后我们马上开始审核。' },
  ASSESSING: { words: '审核中', hint: '资料已齐全，正在评估您的申请，通常几分钟内有结果。' },
  INITIAL_REVIEW: { words: '人工审核中', hint: '您的申请正在由审核人员查看，请耐心等待。' },
  FINAL_REVIEW: { words: '人工审核中', hint: '您的申请正在由审核人员复核，请耐心等待。' },
  AWAITING_SIGNATURE: { words: '审批通过，待签合同', hint: '请阅读借款合同，确认无误后用短信验证码签署。' },
  DISBURSING: { words: '放款中', hint: '合同已签署，款项正在打入您的银行卡。' },
  ACTIVE: { words: '还款中', hint: '借款已到账，请按还款计划按时还款。' },
  OVERDUE: { words: '已逾期', hint: '您有逾期未还的款项，请尽快还款，以免产生更多罚息和费用。' },
  PAID_OFF: { words: '已结清', hint: '借款已全部还清，感谢您按时还款。' },
  REJECTED: { words: '未通过审批', hint: '很抱歉，本次申请未获批准。' },
  WITHDRAWN: { words: '已撤回', hint: '本次申请已撤回。' },
  EXPIRED: { words: '已失效', hint: '资料或签约超过期限，本次申请已失效，您可以重新申请。' },
  CANCELLED: { words: '已取消', hint: '本次申请已取消。' },
  DISBURSEMENT_FAILED: { words: '放款未成功', hint: '放款没有成功，工作人员会与您联系。' },
  PAYOUT_ACCOUNT_INVALID: { words: '收款账户有误', hint: '您的收款银行卡未通过验证，工作人员会与您联系更换。' },
  NEEDS_ATTENTION: { words: '人工处理中', hint: '您的借款需要工作人员处理，请稍候。' },
  WRITTEN_OFF: { words: '已核销', hint: '如有疑问请联系客服。' },
};

/** What the status means to the borrower: a few words and what happens or what to do next. */
export function statusWords(status) {
  return STATUS[status] ?? { words: '处理中', hint: '请稍候。' };
}

/** Statuses that change by themselves, so the page asks again after a while. */
export function isWaiting(status, missingDocuments = []) {
  if (status === 'AWAITING_DOCUMENTS') return missingDocuments.length === 0;
  return ['ASSESSING', 'INITIAL_REVIEW', 'FINAL_REVIEW', 'DISBURSING', 'NEEDS_ATTENTION'].includes(status);
}

const SCHEDULE_LINE = {
  UPCOMING: '未到期',
  DUE: '待还',
  PAID: '已还',
  PARTIAL: '部分已还',
  GRACE: '宽限期内',
  OVERDUE: '已逾期',
};

export function scheduleLineWords(status) {
  return SCHEDULE_LINE[status] ?? status;
}

const PAYMENT = {
  PENDING: '等待支付结果',
  APPLIED: '已入账',
  EXPIRED: '已过期未支付',
  UNAPPLIED: '未能入账，将原路退款',
};

export function paymentWords(status) {
  return PAYMENT[status] ?? status;
}

/** "1234.5" → "¥1,234.50". Money arrives as decimal strings; this only formats them. */
export function yuan(amount) {
  const [whole, fraction = ''] = String(amount).split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}¥${grouped}.${(fraction + '00').slice(0, 2)}`;
}

/** A rate as a fraction ("0.1825") → "18.25%", to two places without floating-point rounding. */
export function percent(rate) {
  const [whole, fraction = ''] = String(rate).split('.');
  const padded = `${fraction}000000`;
  const hundredths = BigInt(`${whole}${padded.slice(0, 4)}`) + (Number(padded[4]) >= 5 ? 1n : 0n);
  const text = hundredths.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}%`;
}

/** "2027-01-15" → "2027年1月15日". */
export function dateWords(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(date));
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : String(date);
}

/**
 * Where each of the API's error messages goes: a field the form has gets its Chinese message next
 * to it; everything else (and the error itself, when it names no field of the form) goes to the
 * form's general message (key ''). `body` is the API's `{ error: { code, message, fields } }`.
 * @returns {Map<string, string[]>}
 */
export function placeErrors(body, formFields) {
  const placed = new Map();
  const put = (key, text) => placed.set(key, [...(placed.get(key) ?? []), text]);
  const error = body?.error;
  const fields = Array.isArray(error?.fields) ? error.fields : [];
  for (const f of fields) {
    const text = f?.message?.zh ?? f?.code ?? '';
    const key = formFields.includes(f?.field) ? f.field : formFields.find((name) => f?.field?.startsWith(`${name}.`));
    put(key ?? '', key ? text : `${f?.field ?? ''}：${text}`);
  }
  if (fields.length === 0) put('', error?.message?.zh ?? '请求失败，请稍后重试');
  return placed;
}

/** A path and its value into a nested body: ("applicant.name", "张伟") → { applicant: { name: "张伟" } }. */
export function setPath(target, path, value) {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys.at(-1)] = value;
  return target;
}

/** The documents still missing, by name, in the order the loan asks for them. */
export function missingNames(view, names) {
  return (view.missingDocuments ?? []).map((type) => names[type] ?? type);
}
