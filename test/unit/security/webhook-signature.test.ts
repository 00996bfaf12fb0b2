import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhookSignature } from '../../../security/webhook-signature.js';

describe('webhook signature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"loan.signed"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>', () => {
    const expected = createHmac('sha256', secret).update(`1796601600.${body}`).digest('hex');
    expect(signWebhook(secret, 1796601600, body)).toBe(`t=1796601600,v1=${expected}`);
  });

  it('verifies its own signature and refuses another body, secret or a stale time', () => {
    const header = signWebhook(secret, 1000, body);
    expect(verifyWebhookSignature(secret, header, body, 1000)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body.replace('e1', 'e2'), 1000)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, body, 1000)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 1000 + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, 'garbage', body, 1000)).toBe(false);
  });

  it('refuses any change to a signed body', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (b, extra) => {
        const header = signWebhook(secret, 5, b);
        expect(verifyWebhookSignature(secret, header, b + extra, 5)).toBe(false);
      }),
    );
  });

  it('makes a fresh 256-bit secret each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
