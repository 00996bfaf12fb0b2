// Key rotation on a scratch database of the stack's PostgreSQL: data written under k1, a keyring
// with k2 first still reads it, `reencryptAll` moves every value to k2, and then k1 can go.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDefaultProducts } from '../../../db/products.js';
import { APPLICATION_CONTEXT, DOCUMENT_CONTEXT, USER_FIELDS } from '../../../security/encryption-contexts.js';
import { createFieldCipher } from '../../../security/field-crypto.js';
import { createKeyring, generateKeyring } from '../../../security/keyring.js';
import { reencryptAll } from '../../../security/reencryption.js';
import '../../setup/provided.js';
import { createTestDatabase, type TestDatabase } from '../../setup/test-database.js';

const stack = inject('stack');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(stack.databaseUrl.replace(/\/[^/]*$/, '/postgres'), 'rotation');
});
afterAll(async () => {
  await db?.drop();
});

describe('key rotation', () => {
  it('re-encrypts every stored value under the new key, after which the old key is not needed', async () => {
    const old = generateKeyring(['k1']);
    const oldCipher = createFieldCipher(old);
    const rotated = createKeyring({
      current: 'k2',
      keys: { k2: randomBytes(32), k1: old.key('k1')! },
      hmac: old.hmacKey,
    });
    const cipher = createFieldCipher(rotated);
    const onlyNew = createFieldCipher(
      createKeyring({ current: 'k2', keys: { k2: rotated.key('k2')! }, hmac: old.hmacKey }),
    );

    await seedDefaultProducts(db.sql);
    const [user] = await db.sql<{ id: string }[]>`
      insert into users (role, phone_hash, phone_enc, name_enc, id_number_enc, password_hash)
      values ('BORROWER', ${randomUUID()}, ${oldCipher.encrypt('13912345678', USER_FIELDS.phone)}, ${oldCipher.encrypt('吴桐', USER_FIELDS.name)},
              ${oldCipher.encrypt('11010519900307123X', USER_FIELDS.idNumber)}, '!') returning id`;
    const loanId = 'loan-20260301-00000e0e0e';
    await db.sql`
      insert into loans (id, borrower_id, loan_type, product_code, amount, term_count, method, annual_rate, channel, created_by, status, application_enc)
      values (${loanId}, ${user!.id}, 'PERSONAL_CONSUMER', 'CONSUMER_STD', '8000.00', 12, 'EQUAL_INSTALLMENT', '0.12', 'ONLINE', ${user!.id}, 'ACTIVE',
              ${oldCipher.encrypt('{"purpose":"装修"}', APPLICATION_CONTEXT)})`;
    await db.sql`insert into contracts (loan_id, version, sha256, html_enc) values (${loanId}, 1, ${'a'.repeat(64)}, ${oldCipher.encrypt('<p>合同</p>', 'contracts.html')})`;
    // Written after the rotation: already under k2, must be left alone.
    await db.sql`insert into contracts (loan_id, version, sha256, html_enc) values (${loanId}, 2, ${'b'.repeat(64)}, ${cipher.encrypt('<p>合同 2</p>', 'contracts.html')})`;
    const sealed = oldCipher.seal(Buffer.from('%PDF-1.7 scan'), DOCUMENT_CONTEXT);
    await db.sql`
      insert into documents (loan_id, type, filename, content_type, size_bytes, sha256, content_enc, key_id, uploaded_by)
      values (${loanId}, 'ID_FRONT', 'id.pdf', 'application/pdf', 13, ${'c'.repeat(64)}, ${sealed.bytes}, ${sealed.keyId}, ${user!.id})`;
    const [contractTwo] = await db.sql<{ html_enc: string }[]>`select html_enc from contracts where version = 2`;

    const report = await reencryptAll(db.sql, cipher, rotated.currentKeyId);
    expect(report.rewritten).toMatchObject({
      'users.phone_enc': 1,
      'users.name_enc': 1,
      'users.id_number_enc': 1,
      'loans.application_enc': 1,
      'contracts.html_enc': 1,
      'documents.content_enc': 1,
    });

    const [u] = await db.sql<
      { phone_enc: string; name_enc: string; id_number_enc: string }[]
    >`select phone_enc, name_enc, id_number_enc from users where id = ${user!.id}`;
    expect(onlyNew.decrypt(u!.phone_enc, USER_FIELDS.phone)).toBe('13912345678');
    expect(onlyNew.decrypt(u!.name_enc, USER_FIELDS.name)).toBe('吴桐');
    expect(onlyNew.decrypt(u!.id_number_enc, USER_FIELDS.idNumber)).toBe('11010519900307123X');
    const [loan] = await db.sql<{ application_enc: string }[]>`select application_enc from loans where id = ${loanId}`;
    expect(onlyNew.decrypt(loan!.application_enc, APPLICATION_CONTEXT)).toBe('{"purpose":"装修"}');
    const contracts = await db.sql<
      { version: number; html_enc: string }[]
    >`select version, html_enc from contracts order by version`;
    expect(contracts.map((c) => onlyNew.decrypt(c.html_enc, 'contracts.html'))).toEqual([
      '<p>合同</p>',
      '<p>合同 2</p>',
    ]);
    expect(contracts[1]!.html_enc).toBe(contractTwo!.html_enc);
    const [doc] = await db.sql<{ key_id: string; content_enc: Buffer }[]>`select key_id, content_enc from documents`;
    expect(doc!.key_id).toBe('k2');
    expect(onlyNew.open({ keyId: doc!.key_id, bytes: doc!.content_enc }, DOCUMENT_CONTEXT).toString()).toBe(
      '%PDF-1.7 scan',
    );

    const again = await reencryptAll(db.sql, cipher, rotated.currentKeyId);
    expect(Object.values(again.rewritten).every((n) => n === 0)).toBe(true);
  });
});
