// A small client of the running API for tests and benches: log in, register borrowers, apply, upload
// documents, wait for a loan to reach a status. Every call has a timeout; every non-2xx answer
// throws an ApiCallError that carries the API's bilingual error body.
import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_NAME, makeCardNumber, makeIdNumber, makePhone } from './identities.js';
import { documentForm } from './sample-documents.js';

export const DEMO_STAFF_PASSWORD = 'Demo@2026';
const CALL_TIMEOUT_MS = 30_000;

/** A complete personal consumer loan application for `borrower` (60,000.00 over 12 months unless overridden). */
export function personalLoanApplication(
  borrower: Pick<Borrower, 'name' | 'idNumber' | 'phone'>,
  overrides: Json = {},
): Json {
  return {
    loanType: 'PERSONAL_CONSUMER',
    amount: '60000.00',
    termCount: 12,
    method: 'EQUAL_INSTALLMENT',
    purpose: '家庭装修',
    applicant: {
      name: borrower.name,
      idNumber: borrower.idNumber,
      phone: borrower.phone,
      monthlyIncome: '18000.00',
      employer: '杭州某科技有限公司',
    },
    bankAccount: { cardNumber: makeCardNumber(), bankName: '中国工商银行' },
    consent: { creditQuery: true, dataProcessing: true, creditReporting: true, textVersion: 'v2026.1' },
    ...overrides,
  };
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code: string; message: { zh: string; en: string }; fields?: unknown[] } } | null,
    what: string,
  ) {
    super(`${what} → HTTP ${status}: ${JSON.stringify(body)}`);
    this.name = 'ApiCallError';
  }
}

export interface Session {
  token: string;
  role: string;
  expiresAt: string;
}

/** GET /v1/loans/{loanId}/payoff: what closes the loan today, asked of its workflow. */
export interface PayoffQuote {
  loanId: string;
  asOf: string;
  amount: string;
  breakdown: {
    principal: string;
    interest: string;
    fees: string;
    penalty: string;
    lateFees: string;
    credit: string;
  };
  rulesVersion: number;
  validUntil: string;
}

export interface Borrower {
  phone: string;
  password: string;
  name: string;
  idNumber: string;
  userId: string;
}

export interface LoanSummary {
  loanId: string;
  status: string;
  [key: string]: unknown;
}

export type Json = Record<string, unknown>;

export type SmsCodePurpose = 'REGISTER' | 'SIGN_CONTRACT' | 'CLAIM_ACCOUNT' | 'CHANGE_PAYOUT_ACCOUNT';

export interface ApiClientOptions {
  /** The local partner simulators (…/notify is the SMS gateway), where local-mode SMS codes are read. */
  simulatorUrl?: string;
}

/** How long `smsCode` waits out the one-code-a-minute resend limit, and how often it asks again. */
const SMS_RESEND_WAIT_MS = 70_000;
const SMS_RESEND_POLL_MS = 5_000;

export class ApiClient {
  /** The phone each borrower session logged in with, so signing can ask for the code to it. */
  private readonly phones = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly options: ApiClientOptions = {},
  ) {}

  async call<T = Json>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; form?: FormData } = {},
  ): Promise<T> {
    const response = await this.fetch(method, path, options);
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) throw new ApiCallError(response.status, body as ApiCallError['body'], `${method} ${path}`);
    return body as T;
  }

  /** The raw response, for bodies that are not JSON (documents, contracts, CSV). */
  async fetch(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; form?: FormData } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    return fetch(new URL(path, this.baseUrl), { method, headers, body, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  }

  /** POST /v1/auth/sms-codes: asks for a one-time code to the phone. */
  requestSmsCode(phone: string, purpose: SmsCodePurpose, loanId?: string): Promise<Json> {
    return this.call('POST', '/v1/auth/sms-codes', { body: { phone, purpose, ...(loanId ? { loanId } : {}) } });
  }

  /**
   * The latest SMS code for the purpose the notification simulator holds for the phone (local mode
   * only), or null when it holds none. The simulator is asked by the SHA-256 of the number.
   */
  async latestSmsCode(phone: string, purpose: SmsCodePurpose): Promise<string | null> {
    if (!this.options.simulatorUrl) throw new Error('ApiClient needs simulatorUrl to read SMS codes');
    const to = createHash('sha256').update(phone).digest('hex');
    const response = await fetch(new URL(`${this.options.simulatorUrl.replace(/\/$/, '')}/notify/messages?to=${to}`), {
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    if (!response.ok) throw new ApiCallError(response.status, null, 'GET /notify/messages');
    const { messages } = (await response.json()) as {
      messages: Array<{ template: string; params: Record<string, string> }>;
    };
    const codes = messages.filter((m) => m.template === 'SMS_CODE' && m.params.purpose === purpose);
    return codes.at(-1)?.params.code ?? null;
  }

  /** Asks for a code and reads it from the simulator, as the phone's owner would from the SMS. */
  async smsCode(phone: string, purpose: SmsCodePurpose, loanId?: string): Promise<string> {
    // A step retried within the minute meets the resend limit: wait as the app's countdown would.
    for (let waited = 0; ; waited += SMS_RESEND_POLL_MS) {
      try {
        await this.requestSmsCode(phone, purpose, loanId);
        break;
      } catch (err) {
        const tooSoon = err instanceof ApiCallError && err.body?.error?.code === 'SMS_CODE_TOO_SOON';
        if (!tooSoon || waited >= SMS_RESEND_WAIT_MS) throw err;
        await new Promise((resolve) => setTimeout(resolve, SMS_RESEND_POLL_MS));
      }
    }
    const code = await this.latestSmsCode(phone, purpose);
    if (code === null) throw new Error(`no ${purpose} code reached the SMS simulator`);
    return code;
  }

  async login(username: string, password = DEMO_STAFF_PASSWORD): Promise<Session> {
    const session = await this.call<Session>('POST', '/v1/auth/login', { body: { username, password } });
    if (session.role === 'BORROWER') this.phones.set(session.token, username);
    return session;
  }

  /**
   * Registers a borrower as a person would: a REGISTER code to a new phone, read from the SMS
   * simulator, with a name and an ID number the identity register holds together, and a clean
   * bureau profile (unless `profileDigit` says otherwise).
   */
  async registerBorrower(
    options: { name?: string; profileDigit?: number; birthDate?: string } = {},
  ): Promise<Borrower> {
    const name = options.name ?? DEFAULT_NAME;
    const borrower = {
      phone: makePhone(),
      password: `Borrow${randomUUID().slice(0, 8)}9`,
      name,
      idNumber: makeIdNumber({
        name,
        profileDigit: options.profileDigit ?? 1,
        birthDate: options.birthDate ?? randomBirthDate(),
      }),
    };
    const smsCode = await this.smsCode(borrower.phone, 'REGISTER');
    const { userId } = await this.call<{ userId: string }>('POST', '/v1/auth/register', {
      body: { ...borrower, smsCode },
    });
    return { ...borrower, userId };
  }

  /** A borrower a loan officer entered sets a password with a CLAIM_ACCOUNT code to their phone. */
  async claimAccount(phone: string, password: string): Promise<{ userId: string }> {
    const smsCode = await this.smsCode(phone, 'CLAIM_ACCOUNT');
    return this.call('POST', '/v1/auth/claim', { body: { phone, smsCode, password } });
  }

  /** Applies for a personal consumer loan as the borrower; returns the loan id and its required documents. */
  async applyForLoan(
    token: string,
    borrower: Borrower,
    overrides: Json = {},
  ): Promise<{ loanId: string; requiredDocuments: string[] }> {
    const application = personalLoanApplication(borrower, overrides);
    return this.call('POST', '/v1/applications', {
      token,
      body: application,
      headers: { 'idempotency-key': `test-${randomUUID()}` },
    });
  }

  /** Uploads a realistic, valid document for each type, each type a different file (drivers/sample-documents.ts). */
  async uploadRequiredDocuments(
    token: string,
    loanId: string,
    types: readonly string[],
  ): Promise<Array<{ documentId: string; type: string }>> {
    const uploaded = [];
    for (const type of types) {
      const form = await documentForm(type);
      uploaded.push(
        await this.call<{ documentId: string; type: string }>('POST', `/v1/loans/${loanId}/documents`, { token, form }),
      );
    }
    return uploaded;
  }

  loan(token: string, loanId: string): Promise<LoanSummary & Json> {
    return this.call('GET', `/v1/loans/${loanId}`, { token });
  }

  /** Polls the loan until its status is one of `statuses`; throws with the last status after `timeoutMs`. */
  async waitForLoanStatus(
    token: string,
    loanId: string,
    statuses: string | readonly string[],
    timeoutMs = 60_000,
  ): Promise<LoanSummary & Json> {
    const wanted = typeof statuses === 'string' ? [statuses] : statuses;
    const deadline = Date.now() + timeoutMs;
    let last: (LoanSummary & Json) | null = null;
    while (Date.now() < deadline) {
      last = await this.loan(token, loanId);
      if (wanted.includes(last.status)) return last;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(
      `loan ${loanId} did not reach ${wanted.join(' or ')} within ${timeoutMs} ms; last status ${last?.status ?? 'unknown'}`,
    );
  }

  /**
   * Polls the caller's open tasks until one of `kind` exists for the loan. The task and the
   * loans projection are written by activities just after the workflow changes state, so a
   * reviewer acts once the task is there (as a person would, from the inbox).
   */
  async waitForTask(token: string, loanId: string, kind: string, timeoutMs = 30_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { tasks } = await this.call<{ tasks: Array<Json & { loanId: string; kind: string }> }>(
        'GET',
        `/v1/tasks?status=OPEN&kind=${kind}&limit=500`,
        { token },
      );
      const task = tasks.find((t) => t.loanId === loanId);
      if (task) return task;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error(`no open ${kind} task for ${loanId} within ${timeoutMs} ms`);
  }

  /** A registered borrower with a loan in initial review: applied, documents uploaded, assessed. */
  async loanInInitialReview(options: { name?: string; amount?: string; profileDigit?: number } = {}) {
    const borrower = await this.registerBorrower({ name: options.name, profileDigit: options.profileDigit });
    const session = await this.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await this.applyForLoan(
      session.token,
      borrower,
      options.amount ? { amount: options.amount } : {},
    );
    await this.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    await this.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW');
    return { borrower, session, loanId };
  }

  /** What closes the loan today (not the loan view's payoffToday, which is as of the loan's last wake-up). */
  payoff(token: string, loanId: string): Promise<PayoffQuote> {
    return this.call<PayoffQuote>('GET', `/v1/loans/${loanId}/payoff`, { token });
  }

  /** The sha256 of the contract the loan currently offers, as the borrower reads it. */
  async contractSha256(token: string, loanId: string): Promise<string> {
    const response = await this.fetch('GET', `/v1/loans/${loanId}/contract`, { token });
    if (!response.ok) throw new ApiCallError(response.status, null, `GET /v1/loans/${loanId}/contract`);
    const contractSha256 = response.headers.get('x-contract-sha256')!;
    await response.arrayBuffer();
    return contractSha256;
  }

  /**
   * The borrower signs the contract the loan currently offers, confirmed by a SIGN_CONTRACT code to
   * their phone (the one the session logged in with, unless given).
   */
  async signContract(token: string, loanId: string, phone = this.phones.get(token)): Promise<Json> {
    return this.signContractWith(token, loanId, await this.contractSha256(token, loanId), phone);
  }

  /** Signs the contract with the given sha256, confirmed by a SIGN_CONTRACT code to the phone. */
  async signContractWith(
    token: string,
    loanId: string,
    contractSha256: string,
    phone = this.phones.get(token),
  ): Promise<Json> {
    if (!phone) throw new Error('signing needs the phone of a session that did not log in through this client');
    const smsCode = await this.smsCode(phone, 'SIGN_CONTRACT', loanId);
    return this.call('POST', `/v1/loans/${loanId}/contract/sign`, {
      token,
      body: { contractSha256, smsCode },
      headers: { 'user-agent': 'microloan-driver', 'x-device-id': 'driver' },
    });
  }
}

function randomBirthDate(): string {
  const year = 1975 + Math.floor(Math.random() * 20);
  const month = 1 + Math.floor(Math.random() * 12);
  const day = 1 + Math.floor(Math.random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
