// The OpenAPI document describes every body it documents: no request or response schema of any
// value, no object that names none of its fields (issue 18). The loan's detail and the products
// take their enums from the code's own lists, and the contract's hash header is documented.
import { z } from '@hono/zod-openapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOAN_STATUSES, LOAN_TYPES, LOAN_CLASSES, DOCUMENT_TYPES } from '../../../domain/types.js';
import { REPAYMENT_CHANNELS } from '../../../contracts/messages.js';
import { servedOpenApiDocument } from '../../contract/openapi-document.js';
import { jsonBodies, untypedSchemas, type OpenApiDocument, type Schema } from '../../contract/schema-walk.js';

let doc: OpenApiDocument;
beforeAll(async () => {
  doc = await servedOpenApiDocument();
});

const schemaOf = (name: string): Schema => doc.components.schemas[name]!;
const property = (schema: Schema, name: string): Schema => {
  const found = schema.properties![name]!;
  return found.$ref ? schemaOf(found.$ref.replace('#/components/schemas/', '')) : found;
};

describe('the untyped-schema finder', () => {
  const component = (schema: z.ZodType): OpenApiDocument => ({
    info: { title: 't', version: '1' },
    paths: {},
    components: { schemas: { Body: z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Schema } },
  });
  const find = (schema: z.ZodType) => untypedSchemas(component(schema), { $ref: '#/components/schemas/Body' }, 'body');

  it('finds an object of unknown values, a value of any type and an empty object, at any depth', () => {
    expect(find(z.object({ detail: z.record(z.string(), z.unknown()) }))).toEqual([
      'body(Body).detail: untyped object',
    ]);
    expect(find(z.object({ items: z.array(z.object({ x: z.any() })) }))).toEqual([
      'body(Body).items[].x: any value (no type)',
    ]);
    expect(find(z.object({ a: z.union([z.string(), z.object({})]) }))).toEqual([
      'body(Body).a.anyOf[1]: untyped object',
    ]);
  });

  it('passes objects whose fields are named, records of typed values, enums and nullable references', () => {
    expect(
      find(
        z.object({
          a: z.string(),
          b: z.record(z.string(), z.number()),
          c: z.enum(['X', 'Y']).nullable(),
          d: z.array(z.object({ e: z.boolean() }).strict()),
        }),
      ),
    ).toEqual([]);
    const doc: OpenApiDocument = {
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { T: { type: 'object', properties: { zh: { type: 'string' } } } } },
    };
    const nullableRef: Schema = { allOf: [{ $ref: '#/components/schemas/T' }, { type: ['object', 'null'] }] };
    expect(untypedSchemas(doc, nullableRef, 'x')).toEqual([]);
    expect(untypedSchemas(doc, { allOf: [{ description: 'only words' }] }, 'x')).toEqual([
      'x: allOf of annotations only',
    ]);
  });
});

describe('/openapi.json', () => {
  it('describes every JSON request and response body, field by field', () => {
    const bodies = jsonBodies(doc);
    expect(bodies.length).toBeGreaterThan(150);
    expect(bodies.flatMap(({ at, schema }) => untypedSchemas(doc, schema, at))).toEqual([]);
  });

  it("types the staff's and the borrower's loan detail with the code's own enums and formats", () => {
    for (const name of ['LoanDetail', 'BorrowerLoanDetail']) {
      const detail = schemaOf(name);
      expect(detail.additionalProperties).toBe(false);
      expect(property(detail, 'status').enum).toEqual([...LOAN_STATUSES]);
      expect(property(detail, 'loanType').enum).toEqual([...LOAN_TYPES]);
      expect(property(detail, 'requiredDocuments').items!.enum).toEqual([...DOCUMENT_TYPES]);
      expect(property(detail, 'loanId').pattern).toBe('^loan-\\d{8}-[0-9a-f]{10}$');
      expect(property(detail, 'createdAt').format).toBe('date-time');
      expect(property(detail, 'channel').pattern).toBe('^[A-Za-z0-9_-]{2,40}$');
      const terms = property(detail, 'requested');
      expect(property(terms, 'amount').pattern).toBeDefined();
      expect(property(terms, 'termCount')).toMatchObject({ type: 'integer', minimum: 1 });
    }
    const servicing = schemaOf('LoanDetail').properties!.servicing!;
    expect(servicing.type).toEqual(['object', 'null']);
    expect(servicing.properties!.classification!.enum).toEqual([...LOAN_CLASSES]);
    expect(schemaOf('PaymentSummary').properties!.channel!.enum).toEqual([...REPAYMENT_CHANNELS]);
  });

  it('types a loan product, for staff, for borrowers, and as PUT takes it', () => {
    for (const name of ['LoanProduct', 'BorrowerProduct', 'LoanProductInput', 'ListedLoanProduct']) {
      const product = schemaOf(name);
      expect(product.additionalProperties).toBe(false);
      expect(property(product, 'loanType').enum).toEqual([...LOAN_TYPES]);
      expect(property(product, 'minTerm')).toMatchObject({ type: 'integer', minimum: 1, maximum: 360 });
      expect(property(product, 'code').pattern).toBe('^[A-Z][A-Z0-9_-]{1,31}$');
    }
    expect(Object.keys(schemaOf('LoanProduct').properties!)).toContain('approvalAuthority');
    expect(Object.keys(schemaOf('BorrowerProduct').properties!)).not.toContain('approvalAuthority');
  });

  it("documents X-Contract-Sha256: the contract route's header and the info description", () => {
    const ok = doc.paths['/v1/loans/{loanId}/contract']!.get!.responses!['200']!;
    expect(ok.headers).toMatchObject({
      'X-Contract-Sha256': { schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      'X-Contract-Version': { schema: { type: 'integer', minimum: 1 } },
    });
    expect(doc.info.description).toContain('X-Contract-Sha256');
    expect(doc.info.description).toContain('contract.sha256');
  });
});
