// The workflow's rules for a sealed update beyond its seal (workflows/message-checks.ts): the
// update id it was sealed for, and its age when it arrives.
import { describe, expect, it } from 'vitest';
import { MAX_SEALED_UPDATE_AGE_MS } from '../../../contracts/message-checks.js';
import { updateRefusalReason } from '../../../workflows/message-checks.js';

const at = Date.parse('2026-12-07T09:00:00Z');
const verdict = (check: Record<string, unknown>) => [{ stage: 'INITIAL', messageCheck: { sealed: true, ...check } }];

describe('a sealed update', () => {
  it('is taken under the id it was sealed for, within the age limit', () => {
    const args = verdict({ updateId: 'u-1', issuedAt: new Date(at - 5_000).toISOString() });
    expect(updateRefusalReason(args, 'u-1', at)).toBeUndefined();
    expect(updateRefusalReason(args, 'u-2', at)).toBe('WRONG_UPDATE');
  });

  it('is refused once older than the limit, or with no readable issue time', () => {
    const sealedAt = (ms: number) => verdict({ updateId: 'u-1', issuedAt: new Date(ms).toISOString() });
    expect(updateRefusalReason(sealedAt(at - MAX_SEALED_UPDATE_AGE_MS), 'u-1', at)).toBeUndefined();
    expect(updateRefusalReason(sealedAt(at - MAX_SEALED_UPDATE_AGE_MS - 1), 'u-1', at)).toBe('STALE_SEAL');
    expect(updateRefusalReason(verdict({ updateId: 'u-1', issuedAt: 'soon' }), 'u-1', at)).toBe('STALE_SEAL');
  });

  it('sealed before update ids were sealed is held to its age alone', () => {
    expect(updateRefusalReason(verdict({ issuedAt: new Date(at).toISOString() }), 'any', at)).toBeUndefined();
    expect(updateRefusalReason([{ stage: 'INITIAL' }], 'any', at)).toBe('NO_SEAL');
  });
});
