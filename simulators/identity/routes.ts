import { Hono } from 'hono';
import { z } from 'zod';
import { newId } from '../hashing.js';
import { parseJsonBody } from '../responses.js';
import { idNumber, text } from '../validation.js';
import { identityResult } from './rules.js';

const verificationSchema = z.object({ idNumber, name: text(100) });

/** The identity-verification service: does this name belong to this ID number? Keeps nothing. */
export function identityRoutes(): Hono {
  const app = new Hono();

  app.post('/verifications', async (c) => {
    const parsed = await parseJsonBody(c, verificationSchema);
    if (!parsed.ok) return parsed.response;
    return c.json({
      verificationId: newId('idv'),
      result: identityResult(parsed.value.idNumber, parsed.value.name),
      checkedAt: new Date().toISOString(),
    });
  });

  return app;
}
