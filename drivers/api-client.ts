// A small client of the running API for tests and benches: log in, register borrowers, apply, upload
// documents, wait for a loan to reach a status. Every call has a timeout; every non-2xx answer
// throws an ApiCallError that carries the API's bilingual error body.
import { createHash, randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { makeCardNumber, makeIdNumber, makePhone } from './identities.js';

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
    consent: { creditQuery: true, dataProcessing: true, textVersion: 'v2026.1' },
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

export class ApiClient {
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
    await this.requestSmsCode(phone, purpose, loanId);
    const code = await this.latestSmsCode(phone, purpose);
    if (code === null) throw new Error(`no ${purpose} code reached the SMS simulator`);
    return code;
  }

  login(username: string, password = DEMO_STAFF_PASSWORD): Promise<Session> {
    return this.call<Session>('POST', '/v1/auth/login', { body: { username, password } });
  }

  /** Registers a borrower with a clean bureau profile (unless `profileDigit` says otherwise). */
  async registerBorrower(
    options: { name?: string; profileDigit?: number; birthDate?: string } = {},
  ): Promise<Borrower> {
    const borrower = {
      phone: makePhone(),
      password: `Borrow${randomUUID().slice(0, 8)}9`,
      name: options.name ?? '张伟',
      idNumber: makeIdNumber({
        profileDigit: options.profileDigit ?? 1,
        birthDate: options.birthDate ?? randomBirthDate(),
      }),
    };
    const { userId } = await this.call<{ userId: string }>('POST', '/v1/auth/register', { body: borrower });
    return { ...borrower, userId };
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

  /** Uploads a small real PNG for each document type. */
  async uploadRequiredDocuments(
    token: string,
    loanId: string,
    types: readonly string[],
  ): Promise<Array<{ documentId: string; type: string }>> {
    const uploaded = [];
    for (const [index, type] of types.entries()) {
      const form = new FormData();
      form.set('type', type);
      form.set('file', new Blob([samplePng(index)], { type: 'image/png' }), `${type.toLowerCase()}.png`);
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

  /** The borrower signs the contract the loan currently offers. */
  async signContract(token: string, loanId: string): Promise<Json> {
    const response = await this.fetch('GET', `/v1/loans/${loanId}/contract`, { token });
    if (!response.ok) throw new ApiCallError(response.status, null, `GET /v1/loans/${loanId}/contract`);
    const contractSha256 = response.headers.get('x-contract-sha256')!;
    await response.arrayBuffer();
    return this.call('POST', `/v1/loans/${loanId}/contract/sign`, { token, body: { contractSha256 } });
  }
}

function randomBirthDate(): string {
  const year = 1975 + Math.floor(Math.random() * 20);
  const month = 1 + Math.floor(Math.random() * 12);
  const day = 1 + Math.floor(Math.random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- a real PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const TINTS: Array<[number, number, number]> = [
  [31, 78, 156],
  [46, 133, 64],
  [199, 124, 2],
  [120, 60, 160],
  [0, 130, 140],
];

/** A 240×150 RGB PNG that looks like a scanned card: a tinted header band over light lines. */
export function samplePng(variant = 0): Uint8Array<ArrayBuffer> {
  const width = 240;
  const height = 150;
  const [r, g, b] = TINTS[variant % TINTS.length]!;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const band = y < 36;
      const line = !band && y % 18 === 0 && x > 20 && x < 220;
      const photo = !band && x > 170 && x < 220 && y > 50 && y < 120;
      const pixel = band ? [r, g, b] : line ? [170, 178, 190] : photo ? [200, 208, 220] : [246, 247, 250];
      raw.set(pixel, row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
  return new Uint8Array(png);
}
