// The simulated citizen identity register (公民身份信息核查). Deterministic from the ID number, like
// the bureau's profiles: the ID number's sequence code (its 15th and 16th digits) is the registered
// name's code, the sum of the name's Unicode code points mod 99, plus 1 (01–99). Sequence code 00
// has no record. So a made-up pair matches about one time in a hundred, and someone else's ID
// number under your own name does not.

export type IdentityResult = 'MATCH' | 'NAME_MISMATCH' | 'NO_RECORD';

export function nameCode(name: string): number {
  let sum = 0;
  for (const ch of name.normalize('NFC').trim()) sum += ch.codePointAt(0)!;
  return (sum % 99) + 1;
}

export function identityResult(idNumber: string, name: string): IdentityResult {
  const sequence = Number(idNumber.slice(14, 16));
  if (sequence === 0) return 'NO_RECORD';
  return sequence === nameCode(name) ? 'MATCH' : 'NAME_MISMATCH';
}
