import { describe, expect, it } from 'vitest';
import { isPrivateAddress, webhookUrlProblem } from '../../../security/webhook-url.js';

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe('webhook URL', () => {
  it('in local mode takes https anywhere and http only on this machine', async () => {
    expect(await webhookUrlProblem('https://example.com/hook', 'local')).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:9000/hook', 'local')).toBeNull();
    expect(await webhookUrlProblem('http://localhost:9000/hook', 'local')).toBeNull();
    expect(await webhookUrlProblem('http://[::1]:9000/hook', 'local')).toBeNull();
    expect(await webhookUrlProblem('http://example.com/hook', 'local')).not.toBeNull();
    expect(await webhookUrlProblem('ftp://localhost/hook', 'local')).not.toBeNull();
    expect(await webhookUrlProblem('not a url', 'local')).not.toBeNull();
    expect(await webhookUrlProblem('https://user:pw@example.com/', 'local')).not.toBeNull();
  });

  it('in production takes https to public addresses only', async () => {
    expect(
      await webhookUrlProblem('https://hooks.example.com/x', 'production', resolvesTo('93.184.216.34')),
    ).toBeNull();
    expect(await webhookUrlProblem('http://hooks.example.com/x', 'production', resolvesTo('93.184.216.34'))).toEqual({
      zh: '生产环境须为 https',
      en: 'must be https in production',
    });
    for (const inside of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '192.168.1.1', '172.20.0.1', '::1', 'fd00::1'])
      expect(await webhookUrlProblem('https://hooks.example.com/x', 'production', resolvesTo(inside))).not.toBeNull();
    // One private address among public ones is enough to refuse (DNS answers can rotate).
    expect(
      await webhookUrlProblem('https://h.example.com/', 'production', resolvesTo('93.184.216.34', '10.0.0.5')),
    ).not.toBeNull();
    expect(await webhookUrlProblem('https://169.254.169.254/latest', 'production')).not.toBeNull();
    expect(await webhookUrlProblem('https://localhost/x', 'production', resolvesTo('127.0.0.1'))).not.toBeNull();
    const fails = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await webhookUrlProblem('https://nowhere.invalid/', 'production', fails)).not.toBeNull();
  });

  it('classifies addresses, IPv4-mapped IPv6 included', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
    expect(isPrivateAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(isPrivateAddress('not-an-ip')).toBe(true);
  });
});
