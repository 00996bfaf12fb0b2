// One borrower's loan through the HTTP API: register, log in, apply, upload the four documents,
// (auto-approval) sign the contract bound to its sha256; the waiting is on the database
// projection rather than on the API, so it adds no load of its own.
import { createHash, randomUUID } from 'node:crypto';
import type { Sql } from '../lib/db-client.js';
import type { ApiClient } from './api-client.js';
import { ApiCallError, type Session } from './api-client.js';
import type { Applicant } from './identities.js';
import { documentForm } from './sample-documents.js';

/** Waits on loans' statuses by polling the projection for every loan waited on at once. */
export class StatusWatcher {
  private readonly waiting = new Map<
    string,
    Array<{ statuses: readonly string[]; resolve: (s: string) => void; reject: (e: Error) => void; deadline: number }>
  >();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly sql: Sql,
    private readonly intervalMs = 50,
  ) {}

  waitFor(loanId: string, statuses: readonly string[], timeoutMs = 120_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(loanId) ?? [];
      list.push({ statuses, resolve, reject, deadline: Date.now() + timeoutMs });
      this.waiting.set(loanId, list);
      this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const ids = [...this.waiting.keys()];
      if (ids.length === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      const rows = await this.sql<
        { id: string; status: string }[]
      >`select id, status from loans where id in ${this.sql(ids)}`;
      const status = new Map(rows.map((r) => [r.id, r.status]));
      const now = Date.now();
      for (const id of ids) {
        const current = status.get(id);
        const left = (this.waiting.get(id) ?? []).filter((w) => {
          if (current && w.statuses.includes(current)) w.resolve(current);
          else if (now > w.deadline)
            w.reject(
              new Error(`loan ${id} did not reach ${w.statuses.join('/')} in time; it is ${current ?? 'missing'}`),
            );
          else return true;
          return false;
        });
        if (left.length) this.waiting.set(id, left);
        else this.waiting.delete(id);
      }
    } catch {
      // The database may be restarting (drills); try again next tick.
    } finally {
      this.polling = false;
    }
  }
}

export interface Timings {
  loanId: string;
  /** Client clock, ms since epoch, at each step's answer. */
  started: number;
  applied: number;
  complete: number;
  offered: number;
  signed: number;
  active: number;
}

export interface OriginationOptions {
  amount?: string;
  termCount?: number;
  /** Stop after this status (the footprint bench wants ACTIVE; a review bench would stop earlier). */
  until?: 'AWAITING_SIGNATURE' | 'ACTIVE';
  timeoutMs?: number;
}

/** Registers as a person would: a REGISTER code to the phone, read from the SMS simulator. */
export async function register(api: ApiClient, person: Applicant): Promise<Session> {
  const smsCode = await api.smsCode(person.phone, 'REGISTER');
  await api.call('POST', '/v1/auth/register', {
    body: { phone: person.phone, password: person.password, name: person.name, idNumber: person.idNumber, smsCode },
  });
  return api.login(person.phone, person.password);
}

export function applicationBody(person: Applicant, amount = '10000.00', termCount = 12) {
  return {
    loanType: 'PERSONAL_CONSUMER',
    amount,
    termCount,
    method: 'EQUAL_INSTALLMENT',
    purpose: '家庭装修',
    applicant: {
      name: person.name,
      idNumber: person.idNumber,
      phone: person.phone,
      monthlyIncome: '18000.00',
      employer: '杭州某科技有限公司',
    },
    bankAccount: { cardNumber: person.cardNumber, bankName: '中国工商银行' },
    consent: { creditQuery: true, dataProcessing: true, creditReporting: true, textVersion: 'v2026.1' },
  };
}

export async function uploadDocuments(
  api: ApiClient,
  token: string,
  loanId: string,
  types: readonly string[],
): Promise<void> {
  for (const type of types) {
    const form = await documentForm(type);
    await api.call('POST', `/v1/loans/${loanId}/documents`, { token, form });
  }
}

export async function sign(api: ApiClient, token: string, loanId: string): Promise<void> {
  const response = await api.fetch('GET', `/v1/loans/${loanId}/contract`, { token });
  // An ApiCallError like every other call, so callers that retry a 503 retry this one too.
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ConstructorParameters<typeof ApiCallError>[1];
    throw new ApiCallError(response.status, body, `GET contract of ${loanId}`);
  }
  const sha256 = createHash('sha256')
    .update(Buffer.from(await response.arrayBuffer()))
    .digest('hex');
  await api.signContractWith(token, loanId, sha256);
}

/** A complete, clean, small application from registration to ACTIVE (or to the offer). */
export async function originate(
  api: ApiClient,
  watcher: StatusWatcher,
  person: Applicant,
  options: OriginationOptions = {},
): Promise<Timings & { token: string }> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const started = Date.now();
  const session = await register(api, person);
  const { loanId, requiredDocuments } = await api.call<{ loanId: string; requiredDocuments: string[] }>(
    'POST',
    '/v1/applications',
    {
      token: session.token,
      body: applicationBody(person, options.amount, options.termCount),
      headers: { 'idempotency-key': `bench-${randomUUID()}` },
    },
  );
  const applied = Date.now();
  await uploadDocuments(api, session.token, loanId, requiredDocuments);
  const complete = Date.now();
  const decided = await watcher.waitFor(loanId, ['AWAITING_SIGNATURE', 'INITIAL_REVIEW', 'REJECTED'], timeoutMs);
  if (decided !== 'AWAITING_SIGNATURE') throw new Error(`loan ${loanId} was not auto-approved: ${decided}`);
  const offered = Date.now();
  if (options.until === 'AWAITING_SIGNATURE')
    return {
      loanId,
      token: session.token,
      started,
      applied,
      complete,
      offered,
      signed: Number.NaN,
      active: Number.NaN,
    };
  await sign(api, session.token, loanId);
  const signed = Date.now();
  const end = await watcher.waitFor(loanId, ['ACTIVE', 'DISBURSEMENT_FAILED'], timeoutMs);
  if (end !== 'ACTIVE') throw new Error(`loan ${loanId} ended ${end}`);
  return { loanId, token: session.token, started, applied, complete, offered, signed, active: Date.now() };
}
