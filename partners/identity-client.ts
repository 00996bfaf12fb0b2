import { z } from 'zod';
import { createPartnerHttp, type PartnerClientOptions } from './http.js';

export const IDENTITY_RESULTS = ['MATCH', 'NAME_MISMATCH', 'NO_RECORD'] as const;
export type IdentityResult = (typeof IDENTITY_RESULTS)[number];

const verificationSchema = z.object({
  verificationId: z.string(),
  result: z.enum(IDENTITY_RESULTS),
  checkedAt: z.string(),
});
export type IdentityVerification = z.infer<typeof verificationSchema>;

export interface IdentityClient {
  /** Whether the name is the one registered for the ID number (实名核验). Read-only, so retried. */
  verify(request: { name: string; idNumber: string }): Promise<IdentityVerification>;
}

export function createIdentityClient(options: PartnerClientOptions): IdentityClient {
  const http = createPartnerHttp('identity', options);
  return {
    async verify(request) {
      const { data } = await http.call({
        operation: 'verifyIdentity',
        method: 'POST',
        path: 'verifications',
        json: request,
        idempotent: true,
        schema: verificationSchema,
      });
      return data;
    },
  };
}
