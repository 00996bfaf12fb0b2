// An operator reads a loan's history with the `temporal` CLI through the API's codec endpoint:
// decoded for OPS, encrypted without the codec, refused for anyone else.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { maskIdNumber } from '../../domain/masking.js';
import { CURRENT_RULES_VERSION, rulesVersionPatchId } from '../../domain/rules-version.js';
import { PATCHES } from '../../workflows/patches.js';
import '../setup/provided.js';
import { temporalWorkflowCommand } from './support/temporal-cli.js';
import { ApiClient, type Borrower } from '../../drivers/api-client.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });

/** `temporal workflow <command> --workflow-id <loanId> …`, with nothing from the environment or a config file. */
const workflowCommand = (command: string[], loanId: string, codec?: { token: string }) =>
  temporalWorkflowCommand(stack, command, loanId, codec);

/** `temporal workflow show … --output json`. */
const showHistory = (loanId: string, codec?: { token: string }) =>
  workflowCommand(['show', '--output', 'json'], loanId, codec);

type Payload = { metadata?: Record<string, unknown>; data?: unknown };

/** Every payload-looking object in the CLI's JSON: inputs, results, memos, failures. */
// Patch markers are written by the SDK's core, not through the data converter, so their payload
// (`{"id":"<patch id>","deprecated":false}`) is plain JSON; they are checked on their own.
function payloadsIn(value: unknown, out: Payload[] = [], markers: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((item) => payloadsIn(item, out, markers));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'patch-data') payloadsIn(item, markers, markers);
      else if (key === 'payloads' && Array.isArray(item)) out.push(...item);
      else payloadsIn(item, out, markers);
    }
  }
  return out;
}

function patchMarkersIn(value: unknown): Payload[] {
  const markers: Payload[] = [];
  payloadsIn(value, [], markers);
  return markers;
}

const ENCRYPTED = 'binary/encrypted';
const dataOf = (payload: Payload): string => (typeof payload.data === 'string' ? payload.data : '');
const encodingOf = (payload: Payload): string | undefined => {
  const raw = payload.metadata?.encoding;
  if (typeof raw !== 'string') return undefined;
  return raw === ENCRYPTED || raw.startsWith('json/') || raw.startsWith('binary/')
    ? raw
    : Buffer.from(raw, 'base64').toString('utf8');
};

let borrower: Borrower;
let loanId: string;

beforeAll(async () => {
  borrower = await api.registerBorrower({ name: '王芳' });
  const session = await api.login(borrower.phone, borrower.password);
  const applied = await api.applyForLoan(session.token, borrower);
  loanId = applied.loanId;
  await api.uploadRequiredDocuments(session.token, loanId, applied.requiredDocuments);
  // Assessment done: the history now holds the bureau report and the application facts as activity results.
  await api.waitForLoanStatus(session.token, loanId, ['INITIAL_REVIEW', 'AWAITING_SIGNATURE', 'REJECTED'], 120_000);
});

describe('temporal CLI through the codec endpoint', () => {
  it('decodes a loan history for an OPS user: the loan id, product and masked applicant are readable', async () => {
    const ops = await api.login('ops');
    const shown = await showHistory(loanId, ops);
    expect(shown.code, shown.stderr).toBe(0);
    const history = JSON.parse(shown.stdout) as { events: unknown[] };
    expect(history.events.length).toBeGreaterThan(10);
    const payloads = payloadsIn(history);
    expect(payloads.length).toBeGreaterThan(5);
    expect(payloads.filter((p) => encodingOf(p) === ENCRYPTED)).toEqual([]);

    // The CLI prints decoded payloads as json/plain with base64 data; read them as the operator would.
    const decoded = payloads.map((p) => Buffer.from(dataOf(p), 'base64').toString('utf8')).join('\n');
    expect(decoded).toContain(`"loanId":"${loanId}"`);
    expect(decoded).toContain('"code":"CONSUMER_STD"');
    expect(decoded).toContain('家庭装修');
    // Activity results carry the applicant as scoring sees it: masked, never in clear.
    expect(decoded).toContain(maskIdNumber(borrower.idNumber));
    expect(decoded).not.toContain(borrower.idNumber);
    expect(decoded).not.toContain(borrower.phone);
  });

  it('without the codec, every payload is binary/encrypted and nothing of the loan is readable', async () => {
    const shown = await showHistory(loanId);
    expect(shown.code, shown.stderr).toBe(0);
    const history = JSON.parse(shown.stdout) as { events: unknown[] };
    const payloads = payloadsIn(history);
    expect(payloads.length).toBeGreaterThan(5);
    for (const payload of payloads) expect(encodingOf(payload)).toBe(ENCRYPTED);
    // A patch marker holds a patch id (from the registry, or a money rules version's) and nothing else.
    const patchIds: string[] = [...Object.values(PATCHES), rulesVersionPatchId(CURRENT_RULES_VERSION)];
    for (const marker of patchMarkersIn(history)) {
      const data = JSON.parse(Buffer.from(dataOf(marker), 'base64').toString('utf8')) as Record<string, unknown>;
      expect(Object.keys(data).sort()).toEqual(['deprecated', 'id']);
      expect(patchIds).toContain(data.id);
    }
    const decoded = payloads.map((p) => Buffer.from(dataOf(p), 'base64').toString('latin1')).join('\n');
    expect(decoded).not.toContain(loanId);
    expect(decoded).not.toContain('CONSUMER_STD');
  });

  it('refuses to decode for a user without codec:use (403 from the endpoint)', async () => {
    const auditor = await api.login('auditor');
    const refused = await fetch(`${stack.apiUrl}/codec/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auditor.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(refused.status).toBe(403);

    // The CLI retries the refused codec call until its deadline, then gives up without output.
    const shown = await showHistory(loanId, auditor);
    expect(shown.code).not.toBe(0);
    expect(shown.stdout).not.toContain('"events"');
  });

  // The README's lines, run as written there (text output, as an operator reads it).
  it('`workflow show --detailed` prints the decoded payloads for OPS, ciphertext without the codec', async () => {
    const ops = await api.login('ops');
    const detailed = await workflowCommand(['show', '--detailed'], loanId, ops);
    expect(detailed.code, detailed.stderr).toBe(0);
    expect(detailed.stdout).toContain('CONSUMER_STD');
    expect(detailed.stdout).toContain('家庭装修');
    expect(detailed.stdout).not.toContain(borrower.idNumber);

    const encrypted = await workflowCommand(['show', '--detailed'], loanId);
    expect(encrypted.code, encrypted.stderr).toBe(0);
    // Text output shows metadata as base64: the encoding is binary/encrypted.
    expect(encrypted.stdout).toContain(`encoding: ${Buffer.from(ENCRYPTED).toString('base64')}`);
    expect(encrypted.stdout).not.toContain('CONSUMER_STD');
  });

  it('`workflow describe`, `workflow metadata` and `workflow stack` work through the codec on a running loan', async () => {
    const ops = await api.login('ops');
    const described = await workflowCommand(['describe'], loanId, ops);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toContain(loanId);
    expect(described.stdout).toContain('loanWorkflow');

    // Both send the codec `{}` for their empty query arguments before decoding the answer.
    const metadata = await workflowCommand(['metadata'], loanId, ops);
    expect(metadata.code, metadata.stderr).toBe(0);
    expect(metadata.stdout).toContain('Update Definitions');
    expect(metadata.stdout).toMatch(/^\s+review\s*$/m);

    const stackTrace = await workflowCommand(['stack'], loanId, ops);
    expect(stackTrace.code, stackTrace.stderr).toBe(0);
    // The loan waits in review: the decoded trace names the workflow's own source lines.
    expect(stackTrace.stdout).toMatch(/at \w+ \([^)]*workflows\/\w+\.ts:\d+:\d+\)/);
  });
});
