import { describe, expect, it } from 'vitest';
import * as contexts from '../../../security/encryption-contexts.js';

describe('encryption contexts', () => {
  // Data already stored opens only under the text it was sealed with: these may never change.
  it('keeps the texts stored data was sealed under', () => {
    expect(contexts.USER_FIELDS).toEqual({ name: 'users.name', phone: 'users.phone', idNumber: 'users.id_number' });
    expect(contexts.APPLICATION_CONTEXT).toBe('loans.application');
    expect(contexts.CONTRACT_CONTEXT).toBe('contracts.html');
    expect(contexts.CERTIFICATE_CONTEXT).toBe('settlement_certificates.html');
    expect(contexts.SCHEDULE_CONFIRMATION_CONTEXT).toBe('schedule_confirmations.html');
    expect(contexts.DOCUMENT_CONTEXT).toBe('documents.content');
    expect(contexts.WEBHOOK_SECRET_CONTEXT).toBe('webhook_subscriptions.secret');
    expect(contexts.temporalPayloadContext('k2')).toBe('microloan/temporal-payload/v1:k2');
  });

  it('gives every column its own context', () => {
    const texts = [
      ...Object.values(contexts.USER_FIELDS),
      contexts.APPLICATION_CONTEXT,
      contexts.CONTRACT_CONTEXT,
      contexts.CERTIFICATE_CONTEXT,
      contexts.SCHEDULE_CONFIRMATION_CONTEXT,
      contexts.DOCUMENT_CONTEXT,
      contexts.WEBHOOK_SECRET_CONTEXT,
    ];
    expect(new Set(texts).size).toBe(texts.length);
  });
});
