import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toChineseCapital } from '../../../domain/capital-numerals.js';
import { DomainError } from '../../../domain/errors.js';

/** Reads capital numerals back into cents, to check the writer against an independent reader. */
function readCapital(text: string): bigint {
  const digits = '零壹贰叁肆伍陆柒捌玖';
  const places: Record<string, bigint> = { 拾: 10n, 佰: 100n, 仟: 1000n };
  const body = text.replace(/整$/, '');
  const [integerText, fractionText] = body.includes('元') ? (body.split('元') as [string, string]) : ['', body];
  let total = 0n;
  let group = 0n;
  let digit = 0n;
  for (const ch of integerText) {
    if (digits.includes(ch)) digit = BigInt(digits.indexOf(ch));
    else if (ch in places) {
      group += digit * places[ch]!;
      digit = 0n;
    } else if (ch === '万') {
      total += (group + digit) * 10_000n;
      group = digit = 0n;
    } else if (ch === '亿') {
      total = (total + group + digit) * 100_000_000n;
      group = digit = 0n;
    }
  }
  total += group + digit;
  let cents = total * 100n;
  const jiao = /(.)角/.exec(fractionText);
  const fen = /(.)分/.exec(fractionText);
  if (jiao) cents += BigInt(digits.indexOf(jiao[1]!)) * 10n;
  if (fen) cents += BigInt(digits.indexOf(fen[1]!));
  return cents;
}

describe('toChineseCapital', () => {
  it.each([
    // the brief's examples
    ['1234567.89', '壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分'],
    ['10000.00', '壹万元整'],
    ['100.05', '壹佰元零伍分'],
    ['0.50', '伍角'],
    ['1000010.00', '壹佰万零壹拾元整'],
    // examples from 《正确填写票据和结算凭证的基本规定》
    ['1409.50', '壹仟肆佰零玖元伍角'],
    ['6007.14', '陆仟零柒元壹角肆分'],
    ['325.04', '叁佰贰拾伍元零肆分'],
    ['1680.32', '壹仟陆佰捌拾元叁角贰分'],
    // small amounts
    ['0.00', '零元整'],
    ['0.01', '壹分'],
    ['0.05', '伍分'],
    ['0.10', '壹角'],
    ['0.11', '壹角壹分'],
    ['1.00', '壹元整'],
    ['1.01', '壹元零壹分'],
    ['1.10', '壹元壹角'],
    ['10.00', '壹拾元整'],
    ['11.00', '壹拾壹元整'],
    ['15.50', '壹拾伍元伍角'],
    ['20.00', '贰拾元整'],
    ['101.00', '壹佰零壹元整'],
    ['110.00', '壹佰壹拾元整'],
    ['1001.00', '壹仟零壹元整'],
    ['1010.00', '壹仟零壹拾元整'],
    ['1100.00', '壹仟壹佰元整'],
    // zeros around 万
    ['10001.00', '壹万零壹元整'],
    ['10010.00', '壹万零壹拾元整'],
    ['10100.00', '壹万零壹佰元整'],
    ['11000.00', '壹万壹仟元整'],
    ['100000.00', '壹拾万元整'],
    ['105000.00', '壹拾万零伍仟元整'],
    ['107000.53', '壹拾万零柒仟元伍角叁分'],
    ['200000.00', '贰拾万元整'],
    ['1000000.00', '壹佰万元整'],
    ['10000000.00', '壹仟万元整'],
    ['12345678.00', '壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元整'],
    // 亿
    ['100000000.00', '壹亿元整'],
    ['100000001.00', '壹亿零壹元整'],
    ['100010000.00', '壹亿零壹万元整'],
    ['110000000.00', '壹亿壹仟万元整'],
    ['101000000.00', '壹亿零壹佰万元整'],
    ['1000000000.00', '壹拾亿元整'],
    ['123456789012.34', '壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分'],
    ['999999999999.99', '玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
    // shorthand inputs
    ['5', '伍元整'],
    ['0.3', '叁角'],
    ['0050.00', '伍拾元整'],
  ])('%s → %s', (amount, expected) => {
    expect(toChineseCapital(amount)).toBe(expected);
  });

  it.each(['-1.00', '1.234', 'abc', '1,000.00', '1000000000000.00', ''])('refuses %s', (amount) => {
    expect(() => toChineseCapital(amount)).toThrow(DomainError);
  });

  it('for any non-zero amount, never writes two 零 together, nor 零 before 元/万/亿 or at the end', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 99_999_999_999_999n }), (cents) => {
        const text = toChineseCapital(`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`);
        expect(text).not.toMatch(/零零|零元|零万|零亿|零整|零$|万亿/);
        expect(text).toMatch(/(整|角|分)$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads back to the same amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 99_999_999_999_999n }), (cents) => {
        expect(readCapital(toChineseCapital(`${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`))).toBe(cents);
      }),
      { numRuns: 2000 },
    );
  });
});
