import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskName } from '../../../domain/masking.js';
import {
  checkTemplate,
  MESSAGE_EVENTS,
  renderTemplate,
  sampleValues,
  variablesUsed,
} from '../../../domain/message-templates.js';
import { STEP_WORK } from '../../../domain/collections.js';

const migration = readFileSync(
  new URL('../../../db/migrations/0037_borrower_documents_and_message_templates.sql', import.meta.url),
  'utf8',
);

describe('message templates', () => {
  it('renders variables, and leaves no placeholder behind', () => {
    const text = renderTemplate('{{borrowerName}}您好，第 {{ installment }} 期应还 {{amount}} 元{{reason}}。', {
      borrowerName: maskName('欧阳娜娜'),
      installment: '3',
      amount: '880.00',
    });
    expect(text).toBe('欧阳**您好，第 3 期应还 880.00 元。');
  });

  it('refuses an unknown variable, naming it and the field', () => {
    const r = checkTemplate('REPAYMENT_REMINDER', 'SMS', {
      body: '还款 {{amount}} {{idNumber}} {{phone}}',
      subject: null,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.field)).toEqual(['body', 'body']);
      expect(r.problems[0]!.message.en).toContain('idNumber');
      expect(r.problems[1]!.message.zh).toContain('phone');
    }
  });

  it('refuses stray braces, an empty body, an SMS subject, an email without subject and an unknown event', () => {
    const codes = (r: ReturnType<typeof checkTemplate>) => (r.ok ? [] : r.problems.map((p) => `${p.field}:${p.code}`));
    expect(codes(checkTemplate('OVERDUE_NOTICE', 'SMS', { body: '逾期 {{daysPastDue} 天', subject: null }))).toEqual([
      'body:MALFORMED_PLACEHOLDER',
    ]);
    expect(codes(checkTemplate('OVERDUE_NOTICE', 'SMS', { body: '  ', subject: null }))).toEqual(['body:REQUIRED']);
    expect(codes(checkTemplate('OVERDUE_NOTICE', 'SMS', { body: '逾期', subject: '主题' }))).toEqual([
      'subject:NOT_ALLOWED',
    ]);
    expect(codes(checkTemplate('OVERDUE_NOTICE', 'EMAIL', { body: '逾期', subject: null }))).toEqual([
      'subject:REQUIRED',
    ]);
    expect(codes(checkTemplate('NO_SUCH', 'SMS', { body: 'x', subject: null }))).toEqual(['event:UNKNOWN_EVENT']);
    expect(checkTemplate('OVERDUE_NOTICE', 'SMS', { body: 'x'.repeat(501), subject: null }).ok).toBe(false);
  });

  it('declares no personal data but the masked name', () => {
    for (const event of Object.values(MESSAGE_EVENTS))
      for (const name of Object.keys(event.variables)) expect(name).not.toMatch(/phone|idNumber|card|account/i);
  });

  it('covers every notice the workflows send, and the seed migration has a valid SMS and email template for each', () => {
    const sent = [
      'LOAN_STATUS_CHANGED',
      'DOCUMENTS_MISSING',
      'SCHEDULE_CONFIRMED',
      'REPAYMENT_REMINDER',
      'GRACE_REMINDER',
      'REFUND_PAID',
    ];
    for (const step of Object.values(STEP_WORK)) if (step.sms) sent.push(step.sms);
    for (const event of sent) expect(MESSAGE_EVENTS[event], event).toBeDefined();
    const rows = [...migration.matchAll(/\('([A-Z_]+)', '(SMS|EMAIL)', 1, (null|'[^']*'),\s*E?'([^']*)', true/g)];
    expect(rows.length).toBe(Object.keys(MESSAGE_EVENTS).length * 2);
    for (const [, event, channel, subject, body] of rows) {
      const r = checkTemplate(event!, channel as 'SMS' | 'EMAIL', {
        body: body!.replaceAll('\\n', '\n'),
        subject: subject === 'null' ? null : subject!.slice(1, -1),
      });
      expect(r.ok, `${event} ${channel}`).toBe(true);
      expect(variablesUsed(body!).length).toBeGreaterThan(0);
    }
  });

  it('previews with sample values, overridden by those given', () => {
    expect(sampleValues('REFUND_PAID', { amount: '1.00' })).toMatchObject({ amount: '1.00', paidOn: '2026-05-02' });
  });
});
