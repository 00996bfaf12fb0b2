import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../../config/index.js';
import { freePort } from '../../../lib/ports.js';
import { createBankClient } from '../../../partners/bank-client.js';
import { createPartnerHttp, PartnerError } from '../../../partners/http.js';
import { createSimulatorApp } from '../../../simulators/app.js';
import { BANK_OPENING_BALANCE } from '../../../simulators/bank/routes.js';
import { FaultInjector, faultSettingsFromEnv, NO_FAULTS } from '../../../simulators/faults.js';
import { startPartnersHarness, type PartnersHarness } from '../../setup/partners-harness.js';

const GOOD_CARD = '6222020200112233446';
const PERSON = { name: '张三', idNumber: '11010119900101123X', phone: '13812345678', cardNumber: GOOD_CARD };
const SEQUENCE_PROFILE = {
  name: '王五',
  consentId: 'c-1',
  purpose: 'LOAN_APPLICATION',
  idNumber: '11010119900101123X',
};

let h: PartnersHarness;

beforeAll(async () => {
  h = await startPartnersHarness({ simulator: { faultHangMs: 2_000 } });
});

afterEach(async () => {
  await h.admin.clearFaults();
});

afterAll(async () => {
  await h?.close();
});

async function failureOf(promise: Promise<unknown>): Promise<PartnerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PartnerError);
  return err as PartnerError;
}

describe('fault settings', () => {
  it('come from SIM_<SIMULATOR>_* variables; bad values name the setting', () => {
    expect(
      faultSettingsFromEnv({
        SIM_BANK_FAILURE_RATE: '0.3',
        SIM_BANK_TIMEOUT_RATE: '0.1',
        SIM_BANK_LATENCY_MS: '50',
        SIM_NOTIFY_LATENCY_MS: '5',
      }),
    ).toEqual({
      bank: { failureRate: 0.3, timeoutRate: 0.1, latencyMs: 50 },
      bureau: NO_FAULTS,
      notify: { ...NO_FAULTS, latencyMs: 5 },
      gateway: NO_FAULTS,
      identity: NO_FAULTS,
    });
    expect(() => faultSettingsFromEnv({ SIM_BUREAU_FAILURE_RATE: '1.5' })).toThrow(ConfigError);
    expect(() => faultSettingsFromEnv({ SIM_BUREAU_FAILURE_RATE: 'lots' })).toThrow(/SIM_BUREAU_FAILURE_RATE/);
    expect(() => faultSettingsFromEnv({ SIM_NOTIFY_LATENCY_MS: '-1' })).toThrow(/SIM_NOTIFY_LATENCY_MS/);
    expect(() => faultSettingsFromEnv({ SIM_BANK_FAILURE_RATE: '0.7', SIM_BANK_TIMEOUT_RATE: '0.4' })).toThrow(
      /SIM_BANK_TIMEOUT_RATE/,
    );
  });

  it('are read and changed at run time through /admin/faults; invalid ones are refused', async () => {
    const updated = await h.admin.setFaults({ bureau: { failureRate: 0.25 } });
    expect(updated.bureau).toEqual({ failureRate: 0.25, timeoutRate: 0, latencyMs: 0 });
    expect(await h.admin.getFaults()).toEqual(updated);
    const err = await failureOf(h.admin.setFaults({ bank: { failureRate: 0.8, timeoutRate: 0.5 } }));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('the seeded PRNG makes a drill repeatable', async () => {
    const draw = () => {
      const injector = new FaultInjector({
        settings: {
          bank: { failureRate: 0.3, timeoutRate: 0.1, latencyMs: 0 },
          bureau: NO_FAULTS,
          notify: NO_FAULTS,
          gateway: NO_FAULTS,
          identity: NO_FAULTS,
        },
        seed: 7,
      });
      return Array.from({ length: 200 }, () => injector.decide('bank', true));
    };
    const first = draw();
    expect(draw()).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['PASS', 'FAIL', 'HANG_BEFORE', 'HANG_AFTER']));

    const { bank } = h.clients({ retry: { limit: 0 } });
    const outcomes = async () => {
      await h.admin.setFaults({ bank: { failureRate: 0.5 }, seed: 1234 });
      const seen: string[] = [];
      for (let i = 0; i < 20; i += 1)
        seen.push(
          await bank.verifyAccount(PERSON).then(
            () => 'ok',
            (e: PartnerError) => e.code,
          ),
        );
      return seen;
    };
    const run1 = await outcomes();
    expect(await outcomes()).toEqual(run1);
    expect(run1).toContain('ok');
    expect(run1).toContain('UNAVAILABLE');
  });

  it('adds latency to every request', async () => {
    await h.admin.setFaults({ bureau: { latencyMs: 300 } });
    const started = performance.now();
    await h.bureau.fetchReport(SEQUENCE_PROFILE);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('how clients see injected faults', () => {
  it('a 503 comes before any state change and is a retryable UNAVAILABLE', async () => {
    await h.admin.setFaults({ bank: { failureRate: 1 } });
    const { bank } = h.clients({ retry: { limit: 2, baseDelayMs: 5 } });
    const key = 'faults-503-only';
    const err = await failureOf(
      bank.transfer(key, { amount: '10.00', currency: 'CNY', toCard: GOOD_CARD, toName: '张三', reference: 'R-503' }),
    );
    expect(err).toMatchObject({ partner: 'bank', code: 'UNAVAILABLE', status: 503, retryable: true });
    expect((await h.admin.faultStats()).bank.failures).toBe(3);
    await h.admin.clearFaults();
    expect(await h.bank.findTransferByKey(key)).toBeNull();
  });

  it('a timeout of an idempotent call is retryable; of a non-idempotent call it is not (the outcome is unknown)', async () => {
    await h.admin.setFaults({ bureau: { timeoutRate: 1 } });
    const { bureau } = h.clients({ timeoutMs: 300, retry: { limit: 0 } });
    expect(await failureOf(bureau.fetchReport(SEQUENCE_PROFILE))).toMatchObject({ code: 'TIMEOUT', retryable: true });

    const http = createPartnerHttp('bureau', { baseUrl: h.bureauUrl, timeoutMs: 300, log: h.log });
    const once = http.call({
      operation: 'analyze',
      method: 'POST',
      path: 'statements/analyze',
      json: {},
      idempotent: false,
      schema: z.unknown(),
    });
    expect(await failureOf(once)).toMatchObject({ code: 'TIMEOUT', retryable: false });
  });

  it('nothing listening is a retryable NETWORK failure', async () => {
    const bank = createBankClient({
      baseUrl: `http://127.0.0.1:${await freePort()}/bank`,
      log: h.log,
      retry: { limit: 0 },
    });
    expect(await failureOf(bank.ledger())).toMatchObject({ partner: 'bank', code: 'NETWORK', retryable: true });
  });

  it('an unexpected response body is a non-retryable INVALID_RESPONSE', async () => {
    const http = createPartnerHttp('bank', { baseUrl: h.bankUrl, log: h.log });
    const call = http.call({
      operation: 'ledger',
      method: 'GET',
      path: 'ledger',
      idempotent: true,
      schema: z.object({ nothing: z.string() }),
    });
    expect(await failureOf(call)).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
  });
});

describe('exactly-once transfers under faults', () => {
  it('50 transfers with 30% failures and 10% timeouts, retried with the same keys, are exactly 50 in the bank ledger', async () => {
    await h.admin.setFaults({ bank: { failureRate: 0.3, timeoutRate: 0.1, latencyMs: 0 }, seed: 2024 });
    const { bank } = h.clients({ timeoutMs: 400, retry: { limit: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    const keys = Array.from({ length: 50 }, (_, i) => `drill-${i}`);
    // A replayed answer means an earlier attempt under the key was committed although its caller never heard back.
    let replays = 0;

    for (const [i, key] of keys.entries()) {
      const request = {
        amount: `${100 + i}.00`,
        currency: 'CNY' as const,
        toCard: GOOD_CARD,
        toName: '张三',
        reference: `LOAN-${i}`,
      };
      for (let attempt = 1; ; attempt += 1) {
        try {
          const result = await bank.transfer(key, request);
          if (result.replayed) replays += 1;
          break;
        } catch (err) {
          if (!(err instanceof PartnerError) || !err.retryable || attempt >= 20) throw err;
        }
      }
    }

    const stats = (await h.admin.faultStats()).bank;
    await h.admin.clearFaults();
    expect(stats.failures).toBeGreaterThan(0);
    expect(stats.timeoutsBeforeCommit).toBeGreaterThan(0);
    // The dangerous case happened: the bank committed a transfer, then the client timed out.
    expect(stats.timeoutsAfterCommit).toBeGreaterThan(0);

    const ledger = await h.bank.ledger();
    const drill = ledger.transfers.filter((t) => t.idempotencyKey.startsWith('drill-'));
    expect(drill).toHaveLength(50);
    expect(new Set(drill.map((t) => t.idempotencyKey))).toEqual(new Set(keys));
    for (const [i, key] of keys.entries()) {
      const transfer = drill.find((t) => t.idempotencyKey === key)!;
      expect(transfer).toMatchObject({ amount: `${100 + i}.00`, reference: `LOAN-${i}` });
    }
    // Those transfers were answered as replays on retry, not created again.
    expect(replays).toBeGreaterThan(0);
    expect(replays).toBeLessThanOrEqual(stats.timeoutsAfterCommit);
  });
});

describe('reset', () => {
  it('is refused unless the simulator allows it', async () => {
    const locked = createSimulatorApp({
      sql: h.sql,
      log: h.log,
      callbackSecret: h.callbackSecret,
      gatewayCallbackSecret: h.gatewayCallbackSecret,
    });
    const response = await locked.app.request('/admin/reset', { method: 'POST' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'RESET_DISABLED' } });
  });

  it('empties the simulator tables when allowed', async () => {
    await h.bank.transfer('before-reset', {
      amount: '1.00',
      currency: 'CNY',
      toCard: GOOD_CARD,
      toName: '张三',
      reference: 'R',
    });
    await h.admin.reset();
    const ledger = await h.bank.ledger();
    // The opening balance is the account's, not a movement: a reset keeps it.
    expect(ledger).toEqual({ openingBalance: BANK_OPENING_BALANCE, transfers: [], debits: [], incoming: [] });
  });
});
