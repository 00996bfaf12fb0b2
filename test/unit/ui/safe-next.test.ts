import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../ui/assets/safe-next.js';

const ORIGIN = 'http://localhost:3000';

describe('the login page’s next= target', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNext('/loans?status=REJECTED', ORIGIN)).toBe('/loans?status=REJECTED');
    expect(safeNext('/loans/loan-20260301-0123456789#timeline', ORIGIN)).toBe(
      '/loans/loan-20260301-0123456789#timeline',
    );
    expect(safeNext('/a/../dashboard', ORIGIN)).toBe('/dashboard');
  });

  it('refuses everything that could lead to another origin', () => {
    for (const value of [
      decodeURIComponent('%2F%09%2Fevil.example'),
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r/evil.example',
      '//evil.example',
      '//evil.example/loans',
      '/\\evil.example',
      '/\\/evil.example',
      '/.//evil.example',
      '\\\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'evil.example',
      '/\u0000/evil.example',
      '',
      null,
      undefined,
    ])
      expect(safeNext(value, ORIGIN), JSON.stringify(value)).toBeNull();
  });

  it('agrees with how a URL resolves: whatever it keeps stays on this origin', () => {
    for (const value of ['/x', '/%2F%2Fevil.example', '/.//evil.example', '/%5Cevil.example']) {
      const kept = safeNext(value, ORIGIN);
      if (kept !== null) expect(new URL(kept, ORIGIN).origin).toBe(ORIGIN);
    }
  });
});
