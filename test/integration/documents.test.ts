// Uploaded documents are real: pictures decode and are big enough to read, PDFs parse, files
// keep to the size and per-loan limits (also when uploads race), file names carry no control
// characters, and one file uploaded as two document types is a warning reviewers see.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { documentForm, samplePng } from '../../drivers/sample-documents.js';
import { DOCUMENT_LIMITS } from '../../api/document-content.js';
import { stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let riskManager: Session;

beforeAll(async () => {
  riskManager = await api.login('risk_manager');
});
afterAll(async () => {
  await sql.end();
});

type ErrorBody = {
  error: {
    code: string;
    message: { zh: string; en: string };
    fields?: Array<{ field: string; code: string; message: { zh: string; en: string } }>;
  };
};

async function freshLoan(): Promise<{ token: string; loanId: string; requiredDocuments: string[] }> {
  const borrower = await api.registerBorrower();
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower);
  return { token: session.token, loanId, requiredDocuments };
}

function upload(token: string, loanId: string, type: string, bytes: Uint8Array, filename: string, contentType: string) {
  const form = new FormData();
  form.set('type', type);
  form.set('file', new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
  return api.fetch('POST', `/v1/loans/${loanId}/documents`, { token, form });
}

/** A 400 naming the field `file` with `code`, in Chinese and English. */
async function expectFileRefused(res: Response, code: string, status = 400): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorBody;
  const problem = body.error.fields?.find((f) => f.field === 'file');
  expect(problem?.code).toBe(code);
  expect(problem!.message.zh).toMatch(/[\u4e00-\u9fff]/);
  expect(problem!.message.en).toMatch(/[a-z]/);
}

function png(width: number, height: number): Uint8Array {
  const image = new PNG({ width, height });
  image.data.fill(180);
  return new Uint8Array(PNG.sync.write(image));
}

describe('uploaded documents are real', () => {
  it('refuses an 8×8 picture, a damaged PNG, a JPEG that does not decode and a PDF that does not parse', async () => {
    const { token, loanId } = await freshLoan();
    await expectFileRefused(
      await upload(token, loanId, 'ID_FRONT', png(8, 8), 'id.png', 'image/png'),
      'IMAGE_TOO_SMALL',
    );
    const tiny = jpeg.encode({ data: Buffer.alloc(8 * 8 * 4, 90), width: 8, height: 8 }, 80).data;
    await expectFileRefused(await upload(token, loanId, 'ID_FRONT', tiny, 'id.jpg', 'image/jpeg'), 'IMAGE_TOO_SMALL');
    const damaged = Buffer.from(samplePng(0));
    damaged.fill(0, 60, 200);
    await expectFileRefused(await upload(token, loanId, 'ID_FRONT', damaged, 'id.png', 'image/png'), 'UNREADABLE_FILE');
    const fakeJpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
    await expectFileRefused(
      await upload(token, loanId, 'ID_BACK', fakeJpeg, 'id.jpg', 'image/jpeg'),
      'UNREADABLE_FILE',
    );
    const fakePdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrailer << /Root 9 0 R >>\n%%EOF');
    await expectFileRefused(
      await upload(token, loanId, 'INCOME_PROOF', fakePdf, 'income.pdf', 'application/pdf'),
      'UNREADABLE_FILE',
    );
    await expectFileRefused(
      await upload(token, loanId, 'OTHER', Buffer.from('GIF89a' + 'x'.repeat(100)), 'a.gif', 'image/gif'),
      'UNSUPPORTED_FILE',
    );
    const [{ count }] = (await sql<
      { count: number }[]
    >`select count(*)::int as count from documents where loan_id = ${loanId}`) as unknown as [{ count: number }];
    expect(count).toBe(0);
  });

  it('stores PNG, JPEG and PDF documents as what they are', async () => {
    const { token, loanId } = await freshLoan();
    for (const [type, contentType] of [
      ['ID_FRONT', 'image/png'],
      ['BUSINESS_LICENSE', 'image/jpeg'],
      ['BANK_STATEMENT', 'application/pdf'],
    ] as const) {
      const stored = await api.call<{ documentId: string }>('POST', `/v1/loans/${loanId}/documents`, {
        token,
        form: await documentForm(type),
      });
      const res = await api.fetch('GET', `/v1/loans/${loanId}/documents/${stored.documentId}`, { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(contentType);
      await res.arrayBuffer();
    }
  });

  it('refuses a file name with control characters (NUL, tab, escape, bidi override) with 400 naming the field', async () => {
    const { token, loanId } = await freshLoan();
    for (const name of ['id\u0000.png', 'id\tx.png', 'id\u001b[31m.png', 'id\u202egnp.exe']) {
      const boundary = `----b${Math.random().toString(16).slice(2)}`;
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\nID_FRONT\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        Buffer.from(samplePng(0)),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await fetch(new URL(`/v1/loans/${loanId}/documents`, stack.apiUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      await expectFileRefused(res, 'INVALID_FILENAME');
    }
  });

  it(`takes at most ${DOCUMENT_LIMITS.maxDocumentsPerLoan} documents per loan, also when uploads race`, async () => {
    const { token, loanId } = await freshLoan();
    const tries = DOCUMENT_LIMITS.maxDocumentsPerLoan + 5;
    const answers = await Promise.all(
      Array.from({ length: tries }, async () => upload(token, loanId, 'OTHER', samplePng(6), 'other.png', 'image/png')),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(DOCUMENT_LIMITS.maxDocumentsPerLoan);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) await expectFileRefused(r, 'TOO_MANY', 409);
    await Promise.all(answers.filter((r) => r.status === 201).map((r) => r.arrayBuffer()));
    const [{ count }] = (await sql<
      { count: number }[]
    >`select count(*)::int as count from documents where loan_id = ${loanId}`) as unknown as [{ count: number }];
    expect(count).toBe(DOCUMENT_LIMITS.maxDocumentsPerLoan);
  });

  it('a newer upload of a type replaces the older for reviewers; the same file again is flagged', async () => {
    const { token, loanId } = await freshLoan();
    const first = await upload(token, loanId, 'ID_FRONT', samplePng(1), 'front.png', 'image/png');
    const second = await upload(token, loanId, 'ID_FRONT', samplePng(2), 'front-clearer.png', 'image/png');
    const again = await upload(token, loanId, 'ID_FRONT', samplePng(2), 'front-clearer.png', 'image/png');
    const [a, b, c] = (await Promise.all([first.json(), second.json(), again.json()])) as Array<{
      documentId: string;
    }>;
    type Doc = { documentId: string; type: string; replaces?: string[]; supersededBy?: string };
    const view = await api.call<{
      documents: Doc[];
      supersededDocuments: Doc[];
      reviewWarnings: Array<{ code: string; severity: string; message: { zh: string; en: string } }>;
      missingDocuments: string[];
    }>('GET', `/v1/loans/${loanId}`, { token: riskManager.token });
    expect(view.documents.filter((d) => d.type === 'ID_FRONT')).toEqual([
      { documentId: c!.documentId, type: 'ID_FRONT', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(view.supersededDocuments).toEqual([
      expect.objectContaining({ documentId: a!.documentId, supersededBy: c!.documentId }),
      expect.objectContaining({ documentId: b!.documentId, supersededBy: c!.documentId }),
    ]);
    expect(view.missingDocuments).not.toContain('ID_FRONT');
    expect(view.reviewWarnings).toEqual([
      {
        code: 'DUPLICATE_UPLOAD',
        severity: 'MEDIUM',
        message: {
          zh: expect.stringContaining('作为身份证人像面重复上传了 2 次'),
          en: expect.stringContaining('was uploaded 2 times as ID card (front)'),
        },
      },
    ]);
    // Every file stays stored and readable.
    for (const id of [a, b, c]) {
      const res = await api.fetch('GET', `/v1/loans/${loanId}/documents/${id!.documentId}`, {
        token: riskManager.token,
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });

  it('warns reviewers when one file is uploaded as two document types; the borrower is not shown it', async () => {
    const { token, loanId } = await freshLoan();
    const same = samplePng(0);
    expect((await upload(token, loanId, 'ID_FRONT', same, 'front.png', 'image/png')).status).toBe(201);
    let staffView = await api.call<{ reviewWarnings: Array<{ code: string }> }>('GET', `/v1/loans/${loanId}`, {
      token: riskManager.token,
    });
    expect(staffView.reviewWarnings).toEqual([]);
    expect((await upload(token, loanId, 'ID_BACK', same, 'back.png', 'image/png')).status).toBe(201);
    staffView = await api.call('GET', `/v1/loans/${loanId}`, { token: riskManager.token });
    expect(staffView.reviewWarnings).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_DOCUMENT',
        severity: 'HIGH',
        message: {
          zh: expect.stringContaining('身份证国徽面、身份证人像面'),
          en: expect.stringContaining('ID card (back), ID card (front)'),
        },
      }),
    ]);
    // The borrower's own view (api/borrower-loan-view.ts) carries no review warnings at all.
    const own = await api.call<Record<string, unknown>>('GET', `/v1/loans/${loanId}`, { token });
    expect(own).not.toHaveProperty('reviewWarnings');
  });

  it('the documents every journey uploads are distinct per type and raise no warning', async () => {
    const { token, loanId, requiredDocuments } = await freshLoan();
    await api.uploadRequiredDocuments(token, loanId, requiredDocuments);
    const view = await api.call<{ reviewWarnings: unknown[]; documents: Array<{ sha256: string }> }>(
      'GET',
      `/v1/loans/${loanId}`,
      {
        token: riskManager.token,
      },
    );
    expect(view.reviewWarnings).toEqual([]);
    expect(new Set(view.documents.map((d) => d.sha256)).size).toBe(requiredDocuments.length);
  });
});
