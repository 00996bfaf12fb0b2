// Every operation of the running API's OpenAPI document, called as every role and without a
// token. The cases come from the document, so a new route is covered the day it is added:
//   - a role without the route's permission (x-access) gets exactly 403, from the permission check;
//   - a role with it never gets 401 or the permission 403 (scoping 404, validation 400/422, 409 are fine);
//   - without a token, any route that is not PUBLIC answers 401 (and a PUBLIC one never asks for a token);
//   - a CHANNEL route (a channel's X-Api-Key alone) answers 401 API_KEY_REQUIRED to everyone without
//     a key, signed in or not.
// Every route that sends a workflow update requires the permission that update's validator checks
// (contracts/message-permissions.ts); test/unit/security/workflow-permissions.test.ts walks every
// (update, role) through the validators, so the route's answer and the workflow's verdict agree.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES, type Role } from '../../domain/types.js';
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission } from '../../security/permissions.js';
import { MESSAGE_PERMISSIONS, type MessageAction } from '../../contracts/message-permissions.js';
import '../setup/provided.js';
import { ApiClient } from '../../drivers/api-client.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const STAFF_USERNAMES: Record<Exclude<Role, 'BORROWER'>, string> = {
  LOAN_OFFICER: 'loan_officer',
  INITIAL_REVIEWER: 'initial_reviewer',
  FINAL_REVIEWER: 'final_reviewer',
  FINANCE: 'finance',
  COLLECTOR: 'collector',
  RISK_MANAGER: 'risk_manager',
  AUDITOR: 'auditor',
  OPS: 'ops',
  ADMIN: 'admin',
  COMPLIANCE: 'compliance',
};

interface Schema {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  example?: unknown;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  access: unknown;
  parameters: Parameter[];
  bodyTypes: string[];
}

const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as {
  paths: Record<
    string,
    Partial<
      Record<
        (typeof METHODS)[number],
        { 'x-access'?: unknown; parameters?: Parameter[]; requestBody?: { content?: Record<string, unknown> } }
      >
    >
  >;
};

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => {
    const op = item[method]!;
    return {
      method,
      path,
      access: op['x-access'],
      parameters: op.parameters ?? [],
      bodyTypes: Object.keys(op.requestBody?.content ?? {}),
    };
  }),
);

/**
 * The routes that send each workflow update. `repay:ONLINE` goes out from the gateway's confirmation of
 * an order the borrower's POST /v1/loans/{loanId}/repayments made: that route is AUTHENTICATED and
 * checks the channel's permission from the same table entry (api/routes/servicing.ts).
 */
const MESSAGE_ROUTES: Record<MessageAction, string[]> = {
  review: ['POST /v1/loans/{loanId}/reviews'],
  signContract: ['POST /v1/loans/{loanId}/contract/sign'],
  withdraw: ['POST /v1/loans/{loanId}/withdraw'],
  cancelLoan: ['POST /v1/loans/{loanId}/cancel'],
  changePayoutAccount: ['PUT /v1/loans/{loanId}/payout-account'],
  retryDisbursement: ['POST /v1/finance/loans/{loanId}/disbursement/retry'],
  resolveAttention: ['POST /v1/loans/{loanId}/attention'],
  'repay:ONLINE': [],
  'repay:CASH': ['POST /v1/finance/repayments/{paymentId}/approve'],
  'repay:BANK_TRANSFER': [
    'POST /v1/finance/repayments/{paymentId}/approve',
    'POST /v1/finance/repayments/statement-match',
  ],
  reversePayment: ['POST /v1/finance/repayments/{paymentId}/reversal/approve'],
  decideWriteOff: ['POST /v1/loans/{loanId}/write-off-decision'],
  recordCollectionNote: ['POST /v1/loans/{loanId}/collection-notes'],
  requestRestructuring: ['POST /v1/loans/{loanId}/restructuring-requests'],
  decideRestructuring: ['POST /v1/loans/{loanId}/restructuring-requests/{requestId}/decision'],
  signSupplementaryContract: ['POST /v1/loans/{loanId}/supplementary-contract/sign'],
  decideRefund: [
    'POST /v1/finance/loans/{loanId}/refunds/{refundId}/approve',
    'POST /v1/finance/loans/{loanId}/refunds/{refundId}/reject',
    'POST /v1/finance/loans/{loanId}/refunds/{refundId}/retry',
  ],
};

const isPermission = (access: unknown): access is Permission => (PERMISSIONS as readonly unknown[]).includes(access);
const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path} [${String(op.access)}]`;

/** Real ids where the route needs one (a loan and document the borrower owns), else plausible ones. */
const realIds: Record<string, string> = {};

function valueFor(param: Parameter): string {
  if (realIds[param.name]) return realIds[param.name]!;
  const schema = param.schema ?? {};
  const example = param.example ?? schema.example;
  if (schema.enum?.length) return String(schema.enum[0]);
  if (schema.format === 'uuid') return randomUUID();
  if (typeof example === 'string' || typeof example === 'number' || typeof example === 'boolean')
    return String(example);
  if (example !== undefined) return JSON.stringify(example);
  if (schema.type === 'integer' || schema.type === 'number') return '1';
  return 'x1';
}

function urlFor(op: Operation): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = op.parameters.find((p) => p.in === 'path' && p.name === name) ?? { name, in: 'path' as const };
    return encodeURIComponent(valueFor(param));
  });
  const query = new URLSearchParams();
  for (const p of op.parameters) if (p.in === 'query' && p.required) query.set(p.name, valueFor(p));
  return query.size ? `${path}?${query}` : path;
}

interface Answer {
  status: number;
  code?: string;
  message?: string;
}

async function call(op: Operation, token?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (op.bodyTypes.includes('application/json')) {
    headers['content-type'] = 'application/json';
    body = '{}';
  } else if (op.bodyTypes.includes('multipart/form-data')) {
    body = new FormData();
  }
  const res = await fetch(new URL(urlFor(op), stack.apiUrl), {
    method: op.method.toUpperCase(),
    headers,
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let parsed: { error?: { code?: string; message?: { en?: string } } } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON: documents, contracts, CSV
  }
  return { status: res.status, code: parsed.error?.code, message: parsed.error?.message?.en };
}

/** A token per role; a fresh one for calls that change state, because some (logout) end the session. */
const passwords = new Map<Role, { username: string; password?: string }>();
const cached = new Map<Role, string>();
async function tokenFor(role: Role, fresh: boolean): Promise<string> {
  if (!fresh && cached.has(role)) return cached.get(role)!;
  const who = passwords.get(role)!;
  const { token } = await api.login(who.username, who.password);
  if (!fresh) cached.set(role, token);
  return token;
}

/** The sign-in check's answer; PUBLIC partner callbacks answer 401 BAD_SIGNATURE on their own. */
const tokenRefusal = (answer: Answer) => answer.status === 401 && answer.code === 'UNAUTHENTICATED';

/** The permission check's answer, naming the permission the route needs. */
const permissionRefusal = (answer: Answer, permission: string) =>
  answer.status === 403 &&
  answer.code === 'FORBIDDEN' &&
  (answer.message ?? '').includes(`lacks the permission ${permission}`);

beforeAll(async () => {
  for (const [role, username] of Object.entries(STAFF_USERNAMES)) passwords.set(role as Role, { username });
  const borrower = await api.registerBorrower({ name: '赵磊' });
  passwords.set('BORROWER', { username: borrower.phone, password: borrower.password });
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower);
  // One document of several: the loan waits in AWAITING_DOCUMENTS while the matrix runs.
  const [document] = await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments.slice(0, 1));
  realIds.loanId = loanId;
  realIds.documentId = document!.documentId;
});

describe('route-by-role matrix, generated from /openapi.json', () => {
  it('the document lists the API, and every operation declares a known access rule', () => {
    expect(operations.length).toBeGreaterThan(20);
    const undeclared = operations.filter(
      (op) =>
        op.access !== 'PUBLIC' && op.access !== 'AUTHENTICATED' && op.access !== 'CHANNEL' && !isPermission(op.access),
    );
    expect(undeclared.map(label)).toEqual([]);
  });

  it('every role is in the permission table and in the matrix', () => {
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
    expect([...Object.keys(STAFF_USERNAMES), 'BORROWER'].sort()).toEqual([...ROLES].sort());
  });

  it('every route that sends a workflow update requires the permission its validator checks', () => {
    const byRoute = new Map(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op.access]));
    const mismatches = (Object.keys(MESSAGE_ROUTES) as MessageAction[]).flatMap((action) =>
      MESSAGE_ROUTES[action]
        .filter((route) => byRoute.get(route) !== MESSAGE_PERMISSIONS[action])
        .map(
          (route) => `${action}: ${route} requires ${String(byRoute.get(route))}, not ${MESSAGE_PERMISSIONS[action]}`,
        ),
    );
    expect(mismatches).toEqual([]);
  });

  it.each(operations.map((op) => [label(op), op] as const))('%s', async (_, op) => {
    const problems: string[] = [];
    const fresh = op.method !== 'get';

    const anonymous = await call(op);
    if (op.access === 'CHANNEL') {
      const answers = [
        anonymous,
        ...(await Promise.all(ROLES.map(async (role) => call(op, await tokenFor(role, fresh))))),
      ];
      const wrong = answers.filter((a) => a.status !== 401 || a.code !== 'API_KEY_REQUIRED');
      expect(wrong).toEqual([]);
      return;
    }
    if (op.access === 'PUBLIC') {
      if (tokenRefusal(anonymous)) problems.push('anonymous: asked to sign in on a PUBLIC route');
    } else if (!tokenRefusal(anonymous))
      problems.push(`anonymous: expected 401, got ${anonymous.status} ${anonymous.code ?? ''}`);

    {
      await Promise.all(
        ROLES.map(async (role) => {
          const allowed =
            op.access === 'PUBLIC' ||
            op.access === 'AUTHENTICATED' ||
            (isPermission(op.access) && ROLE_PERMISSIONS[role].includes(op.access));
          const answer = await call(op, await tokenFor(role, fresh));
          const permission = String(op.access);
          if (allowed) {
            if (tokenRefusal(answer)) problems.push(`${role}: 401 though signed in`);
            if (permissionRefusal(answer, permission))
              problems.push(`${role}: refused by the permission check though it holds ${permission}`);
            if (answer.status === 500) problems.push(`${role}: 500`);
          } else if (!permissionRefusal(answer, permission)) {
            problems.push(`${role}: expected 403 for lacking ${permission}, got ${answer.status} ${answer.code ?? ''}`);
          }
        }),
      );
    }
    expect(problems).toEqual([]);
  });
});
