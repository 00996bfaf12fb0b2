import { createHash } from 'node:crypto';

export type Channel = 'SMS' | 'EMAIL';

const MOBILE = /^1[3-9]\d{9}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

/** The canonical form the gateway hashes and masks: 11 bare digits, or a lower-case address; null when invalid. */
export function normalizeRecipient(channel: Channel, to: string): string | null {
  if (channel === 'EMAIL') {
    const address = to.trim().toLowerCase();
    return EMAIL.test(address) && address.length <= 254 ? address : null;
  }
  let digits = to.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  return MOBILE.test(digits) ? digits : null;
}

/** SHA-256 hex of the normalized recipient; what GET /notify/messages?to= takes. */
export function recipientHash(channel: Channel, to: string): string {
  const normalized = normalizeRecipient(channel, to) ?? to;
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

export function maskRecipient(channel: Channel, normalized: string): string {
  if (channel === 'SMS') return `${normalized.slice(0, 3)}****${normalized.slice(-4)}`;
  const [local = '', domain = ''] = normalized.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** SMS to a number ending "0000" and email to an address whose local part ends "0000" fail. */
export function deliveryOutcome(
  channel: Channel,
  normalized: string,
): { outcome: 'DELIVERED' | 'FAILED'; reason: string | null } {
  if (channel === 'SMS' && normalized.endsWith('0000')) return { outcome: 'FAILED', reason: 'UNREACHABLE' };
  if (channel === 'EMAIL' && normalized.split('@')[0]!.endsWith('0000'))
    return { outcome: 'FAILED', reason: 'MAILBOX_UNAVAILABLE' };
  return { outcome: 'DELIVERED', reason: null };
}
