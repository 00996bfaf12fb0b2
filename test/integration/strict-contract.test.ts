// The OpenAPI document is a strict contract (issue 18): every request body the API takes refuses
// fields it does not know, as the document says (`additionalProperties: false` on every object
// of every body), and the routes do what it says: an application carrying `"rate":"0.1"` is a
// 400 naming the field in Chinese and English, and the same Idempotency-Key with a different body
// is a 422.
import { describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ApiClient, personalLoanApplication } from '../../drivers/api-client.js';
import '../setup/provided.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface Document {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

/** Every object in a schema (through refs, arrays and unions) that takes fields it does not name, by path. */
function openObjects(doc: Document, schema: Schema, at: string, seen = new Set<string>()): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return [];
    seen.add(name);
    return openObjects(doc, doc.components.schemas[name]!, `${at}(${name})`, seen);
  }
  const found: string[] = [];
  if (schema.properties) {
    if (schema.additionalProperties !== false && typeof schema.additionalProperties !== 'object') found.push(at);
    for (const [key, value] of Object.entries(schema.properties))
      found.push(...openObjects(doc, value, `${at}.${key}`, seen));
  }
  if (schema.items) found.push(...openObjects(doc, schema.items, `${at}[]`, seen));
  for (const part of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    found.push(...openObjects(doc, part, at, seen));
  return found;
}

describe('the strict contract', () => {
  it('documents every JSON request body as refusing unknown fields, at every depth', async () => {
    const doc = (await (await fetch(new URL('/openapi.json', stack.apiUrl))).json()) as Document;
    const open: string[] = [];
    let bodies = 0;
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content['application/json']?.schema;
        // The codec endpoint speaks Temporal's codec protocol, whose payloads are Temporal's to extend.
        if (!schema || path.startsWith('/codec/')) continue;
        bodies += 1;
        open.push(...openObjects(doc, schema, `${method.toUpperCase()} ${path}`));
      }
    expect(bodies).toBeGreaterThan(20);
    expect(open).toEqual([]);
  });
});

describe('POST /v1/applications', () => {
  const apply = (token: string, body: unknown, key: string) =>
    api.fetch('POST', '/v1/applications', { token, body, headers: { 'idempotency-key': key } });

  it('refuses an application carrying a field it does not know ("rate"), naming it, and stores nothing', async () => {
    const borrower = await api.registerBorrower();
    const { token } = await api.login(borrower.phone, borrower.password);
    const answer = await apply(token, { ...personalLoanApplication(borrower), rate: '0.1' }, `strict-${randomUUID()}`);
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { code: string; fields: unknown[] } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([
      { field: 'rate', code: 'UNKNOWN_FIELD', message: { zh: '不支持的字段：rate', en: 'is not a known field: rate' } },
    ]);
    // Nested objects too.
    const nested = personalLoanApplication(borrower);
    const inApplicant = await apply(
      token,
      { ...nested, applicant: { ...(nested.applicant as object), creditScore: 900 } },
      `strict-${randomUUID()}`,
    );
    expect(inApplicant.status).toBe(400);
    expect(((await inApplicant.json()) as { error: { fields: Array<{ field: string }> } }).error.fields).toEqual([
      expect.objectContaining({ field: 'applicant.creditScore', code: 'UNKNOWN_FIELD' }),
    ]);
    const loans = await api.call<{ loans: unknown[] }>('GET', '/v1/loans', { token });
    expect(loans.loans).toEqual([]);
  });

  it('answers the same Idempotency-Key with the same body with the same loan, and with a different body 422', async () => {
    const borrower = await api.registerBorrower();
    const { token } = await api.login(borrower.phone, borrower.password);
    const key = `strict-${randomUUID()}`;
    const body = personalLoanApplication(borrower);
    const first = await apply(token, body, key);
    expect(first.status).toBe(201);
    const { loanId } = (await first.json()) as { loanId: string };

    // The same body, its keys in another order: a retry.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const retry = await apply(token, reordered, key);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ loanId, replayed: true });

    const other = await apply(token, { ...body, amount: '50000.00' }, key);
    expect(other.status).toBe(422);
    const { error } = (await other.json()) as { error: { code: string; message: { zh: string; en: string } } };
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(error.message.zh).toContain(loanId);
    expect(error.message.en).toContain('different application');
  });
});
