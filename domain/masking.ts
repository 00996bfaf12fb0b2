// Masks for personal data shown to people who lack the `pii:unmasked` permission and on contracts.

/** Chinese compound surnames (复姓) kept whole when a name is masked. */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '令狐',
  '轩辕',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '申屠',
  '万俟',
  '闻人',
  '澹台',
  '公冶',
  '宗政',
  '濮阳',
  '太叔',
  '仲孙',
  '钟离',
  '赫连',
  '呼延',
  '司空',
  '拓跋',
  '百里',
  '东郭',
  '鲜于',
  '单于',
  '第五',
  '左丘',
  '梁丘',
  '谷梁',
  '司寇',
]);

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/** "110105199001010021" → "110105********0021": first 6 and last 4 shown. */
export function maskIdNumber(idNumber: string): string {
  const value = idNumber.trim();
  if (value.length <= 10) return stars(value.length);
  return value.slice(0, 6) + stars(value.length - 10) + value.slice(-4);
}

/** "13812341234" (or "+86 138-1234-1234") → "138****1234". */
export function maskPhone(phone: string): string {
  let digits = phone.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  if (digits.length < 8) return stars(digits.length);
  return digits.slice(0, 3) + stars(digits.length - 7) + digits.slice(-4);
}

/** Any card number → "**** **** **** 1234". */
export function maskCard(cardNumber: string): string {
  const digits = cardNumber.replace(/[\s-]/g, '');
  return `**** **** **** ${digits.length >= 4 ? digits.slice(-4) : stars(4)}`;
}

/** "张三" → "张*", "欧阳娜娜" → "欧阳**": the surname stays, every other character is a star. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  const surnameLength = chars.length > 2 && COMPOUND_SURNAMES.has(chars[0]! + chars[1]!) ? 2 : 1;
  return chars.slice(0, surnameLength).join('') + stars(chars.length - surnameLength);
}
