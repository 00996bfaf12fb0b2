import { DomainError } from './errors.js';
import type { Money } from './types.js';

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
/** Place within a four-digit group, from the right. */
const PLACES = ['', '拾', '佰', '仟'] as const;
/** Unit after each four-digit group, from the right. */
const GROUPS = ['', '万', '亿'] as const;
const AMOUNT = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

/**
 * Writes a money amount in Chinese capital numerals (大写金额) as on contracts and cheques:
 * "1234567.89" → "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分". One 零 stands for any run of zeros
 * between non-zero digits (also across 万/亿); 整 follows 元 when there are no 角 and 分; a
 * missing 角 before 分 is written 零. Amounts up to 999999999999.99 (below one trillion).
 */
export function toChineseCapital(amount: Money): string {
  const match = AMOUNT.exec(amount);
  if (!match) {
    throw new DomainError('INVALID_AMOUNT', {
      zh: `无法转换为大写金额：${amount}`,
      en: `cannot write ${amount} in capital numerals`,
    });
  }
  const integer = match[1]!.replace(/^0+(?=\d)/, '');
  const cents = (match[2] ?? '').padEnd(2, '0');
  const jiao = Number(cents[0]);
  const fen = Number(cents[1]);

  const yuan = integer === '0' ? '' : `${integerPart(integer)}元`;
  if (jiao === 0 && fen === 0) return yuan === '' ? '零元整' : `${yuan}整`;
  let fraction = '';
  if (jiao > 0) fraction += `${DIGITS[jiao]}角`;
  else if (yuan !== '') fraction += '零';
  if (fen > 0) fraction += `${DIGITS[fen]}分`;
  return yuan + fraction;
}

function integerPart(digits: string): string {
  let text = '';
  let zeroPending = false;
  const length = digits.length;
  for (let i = 0; i < length; i += 1) {
    const digit = Number(digits[i]);
    const position = length - 1 - i;
    const place = position % 4;
    const group = Math.floor(position / 4);
    if (digit === 0) {
      zeroPending = text !== '';
    } else {
      if (zeroPending) text += '零';
      zeroPending = false;
      text += DIGITS[digit]! + PLACES[place]!;
    }
    if (place === 0 && group > 0 && groupHasDigits(digits, group)) text += GROUPS[group];
  }
  return text;
}

function groupHasDigits(digits: string, group: number): boolean {
  const end = digits.length - group * 4;
  return /[1-9]/.test(digits.slice(Math.max(0, end - 4), end));
}
