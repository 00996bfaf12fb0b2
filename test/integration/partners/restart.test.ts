import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../../lib/ports.js';
import {
  eventually,
  startCallbackReceiver,
  startPartnersHarness,
  type CallbackReceiver,
  type PartnersHarness,
} from '../../setup/partners-harness.js';

const GOOD_CARD = '6222020200112233446';
const FROZEN_CARD = '6222020200123464444';
// Long enough that nothing settles or is delivered before the restart.
const NEVER = 600_000;

let h: PartnersHarness;
let receiver: CallbackReceiver;

beforeAll(async () => {
  h = await startPartnersHarness({ simulator: { settleDelayMs: NEVER, deliveryDelayMs: NEVER } });
  receiver = await startCallbackReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

describe('simulator state across a restart', () => {
  it('pending transfers, debits and messages settle after a new app starts on the same database, callbacks included', async () => {
    const transfer = await h.bank.transfer('restart-transfer', {
      amount: '2500.00',
      currency: 'CNY',
      toCard: GOOD_CARD,
      toName: '张三',
      reference: 'LOAN-R1',
      callbackUrl: `${receiver.url}/cb/transfer`,
    });
    const frozen = await h.bank.transfer('restart-frozen', {
      amount: '10.00',
      currency: 'CNY',
      toCard: FROZEN_CARD,
      toName: '张三',
      reference: 'LOAN-R2',
    });
    const debit = await h.bank.debit('restart-debit', {
      amount: '300.00',
      fromCard: GOOD_CARD,
      fromName: '张三',
      reference: 'INST-R1',
    });
    const message = await h.notify.send('restart-message', {
      channel: 'SMS',
      to: '13912340001',
      template: 'OTP',
      params: { code: '246810' },
      receiptUrl: `${receiver.url}/cb/receipt`,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.bank.getTransfer(transfer.transferId)).status).toBe('PENDING');

    await h.stopSimulator();
    await h.startSimulator();

    const settled = await eventually(
      () => h.bank.ledger(),
      (l) => [...l.transfers, ...l.debits].every((p) => p.status !== 'PENDING'),
    );
    expect(settled.transfers.find((t) => t.transferId === transfer.transferId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(settled.transfers.find((t) => t.transferId === frozen.transferId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'ACCOUNT_FROZEN',
    });
    expect(settled.debits.find((d) => d.debitId === debit.debitId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(
      await eventually(
        () => h.notify.get(message.messageId),
        (m) => m.status !== 'QUEUED',
      ),
    ).toMatchObject({ status: 'DELIVERED' });

    expect(JSON.parse((await receiver.waitFor((c) => c.path === '/cb/transfer')).rawBody)).toMatchObject({
      transferId: transfer.transferId,
      status: 'SUCCEEDED',
    });
    expect(JSON.parse((await receiver.waitFor((c) => c.path === '/cb/receipt')).rawBody)).toMatchObject({
      messageId: message.messageId,
      status: 'DELIVERED',
    });

    const replay = await h.bank.transfer('restart-transfer', {
      amount: '2500.00',
      currency: 'CNY',
      toCard: GOOD_CARD,
      toName: '张三',
      reference: 'LOAN-R1',
      callbackUrl: `${receiver.url}/cb/transfer`,
    });
    expect(replay).toMatchObject({ transferId: transfer.transferId, status: 'SUCCEEDED', replayed: true });
  });

  it('a callback still owed when the simulator stops is delivered by the next one', async () => {
    receiver.answerWith((path) => (path === '/cb/owed' ? 503 : 200));
    await h.stopSimulator();
    await h.startSimulator({ callbackPolicy: { baseDelayMs: 50, maxDelayMs: 200 } });
    const transfer = await h.bank.transfer('restart-owed', {
      amount: '42.00',
      currency: 'CNY',
      toCard: GOOD_CARD,
      toName: '张三',
      reference: 'LOAN-R3',
      callbackUrl: `${receiver.url}/cb/owed`,
    });
    await receiver.waitFor((c) => c.path === '/cb/owed' && c.status === 503);

    await h.stopSimulator();
    receiver.answerWith(() => 200);
    await h.startSimulator({ callbackPolicy: { baseDelayMs: 50, maxDelayMs: 200 } });

    const delivered = await receiver.waitFor((c) => c.path === '/cb/owed' && c.status === 200);
    expect(JSON.parse(delivered.rawBody)).toMatchObject({ transferId: transfer.transferId, status: 'SUCCEEDED' });
  });
});

describe('simulators/main.ts as a process', () => {
  const tsxMain = ['--import', 'tsx', 'simulators/main.ts'];
  // npm start generates these per installation and hands them to the simulators (security/local-secrets.ts).
  const secrets = { BANK_CALLBACK_SECRET: 'b'.repeat(40), GATEWAY_CALLBACK_SECRET: 'g'.repeat(40) };

  function run(env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, tsxMain, {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it('prints one clear line and exits 1 on a bad setting', async () => {
    const missing = run({ APP_MODE: 'local', ...secrets });
    expect(await missing.exited).toBe(1);
    expect(missing.output().stderr.trim().split('\n')).toEqual([expect.stringMatching(/PARTNER_DATABASE_URL/)]);

    const badRate = run({
      APP_MODE: 'local',
      ...secrets,
      PARTNER_DATABASE_URL: h.databaseUrl,
      SIM_BANK_FAILURE_RATE: '2',
    });
    expect(await badRate.exited).toBe(1);
    expect(badRate.output().stderr.trim().split('\n')).toEqual([expect.stringMatching(/SIM_BANK_FAILURE_RATE/)]);

    const noSecret = run({ APP_MODE: 'production', PARTNER_DATABASE_URL: h.databaseUrl });
    expect(await noSecret.exited).toBe(1);
    expect(noSecret.output().stderr.trim().split('\n')).toEqual([expect.stringMatching(/BANK_CALLBACK_SECRET/)]);
  });

  it('serves all three simulators on SIMULATOR_PORT and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const sim = run({
      APP_MODE: 'local',
      ...secrets,
      PARTNER_DATABASE_URL: h.databaseUrl,
      SIMULATOR_PORT: String(port),
      LOG_LEVEL: 'info',
    });
    try {
      await Promise.race([
        waitForPort(port, 30_000),
        sim.exited.then((code) => Promise.reject(new Error(`exited ${code}: ${sim.output().stderr}`))),
      ]);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const verify = await fetch(`http://127.0.0.1:${port}/bank/accounts/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: '张三',
          idNumber: '11010119900101123X',
          cardNumber: GOOD_CARD,
          phone: '13812345678',
        }),
      });
      expect(await verify.json()).toEqual({ match: true, mismatched: [] });
      expect((await fetch(`http://127.0.0.1:${port}/bureau/reports`, { method: 'POST', body: '{}' })).status).toBe(400);
      expect((await fetch(`http://127.0.0.1:${port}/notify/messages/none`)).status).toBe(404);
    } finally {
      sim.child.kill('SIGTERM');
    }
    expect(await sim.exited).toBe(0);
    const { stdout } = sim.output();
    expect(stdout).toContain('partner simulators listening');
    expect(stdout).not.toContain('13812345678');
    expect(stdout).not.toContain(GOOD_CARD);
  });
});
