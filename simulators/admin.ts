import { Hono } from 'hono';
import { z } from 'zod';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import { enquiryCount } from './bureau/enquiries.js';
import { rejectNextRecord } from './bureau/reporting.js';
import { faultPatchSchema, type FaultInjector } from './faults.js';
import { releaseWithheldConfirmation } from './gateway/store.js';
import { errorResponse, parseJsonBody } from './responses.js';
import { truncateSimulatorTables } from './schema.js';

export interface AdminRouteDeps {
  sql: Sql;
  log: Logger;
  faults: FaultInjector;
  allowReset: boolean;
}

/** Drill and test controls; never part of a partner's contract. */
export function adminRoutes({ sql, log, faults, allowReset }: AdminRouteDeps): Hono {
  const app = new Hono();

  app.get('/faults', (c) => c.json(faults.settings()));

  app.put('/faults', async (c) => {
    const parsed = await parseJsonBody(c, faultPatchSchema);
    if (!parsed.ok) return parsed.response;
    try {
      const settings = faults.update(parsed.value);
      log.info({ faults: settings, seed: faults.currentSeed() }, 'fault settings changed');
      return c.json(settings);
    } catch (err) {
      return errorResponse(c, 400, 'INVALID_REQUEST', err instanceof Error ? err.message : 'invalid fault settings');
    }
  });

  app.get('/faults/stats', (c) => c.json({ seed: faults.currentSeed(), ...faults.stats() }));

  app.post('/reset', async (c) => {
    if (!allowReset)
      return errorResponse(
        c,
        403,
        'RESET_DISABLED',
        'Reset is refused unless the simulator runs with SIM_ALLOW_RESET=1',
      );
    await truncateSimulatorTables(sql);
    faults.reset();
    log.warn('simulator state reset');
    return c.json({ reset: true });
  });

  // The gateway finally delivers a confirmation it withheld (card ending 4141).
  app.post('/gateway/orders/:orderId/release-confirmation', async (c) => {
    const released = await releaseWithheldConfirmation(sql, c.req.param('orderId'));
    return released
      ? c.json({ released: true })
      : errorResponse(c, 404, 'NOT_FOUND', 'No paid order with a withheld confirmation');
  });

  app.get('/bureau/enquiries', async (c) => {
    const hash = c.req.query('idNumberHash') ?? '';
    if (!/^[0-9a-f]{64}$/.test(hash))
      return errorResponse(c, 400, 'INVALID_REQUEST', 'idNumberHash must be a SHA-256 hex');
    return c.json({ idNumberHash: hash, count: await enquiryCount(sql, hash) });
  });

  // The credit reference center rejects the next NEW record of an account with this reason.
  app.post('/bureau/reporting/rejections', async (c) => {
    const parsed = await parseJsonBody(c, rejectionSchema);
    if (!parsed.ok) return parsed.response;
    await rejectNextRecord(sql, parsed.value);
    return c.json({ armed: true });
  });

  return app;
}

const rejectionSchema = z.object({
  accountId: z.string().min(1).max(60),
  code: z.string().regex(/^[A-Z_]{1,40}$/),
  message: z.string().min(1).max(200),
});
