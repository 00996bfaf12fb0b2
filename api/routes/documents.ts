import { z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { DOCUMENT_TYPES, type DocumentType } from '../../domain/types.js';
import { DOCUMENT_CONTEXT } from '../../security/encryption-contexts.js';
import { newRouter, type RouteModule } from '../app.js';
import { deliverWaitingDocuments } from '../document-delivery.js';
import { DOCUMENT_LIMITS, DocumentRejected, hasControlCharacters, inspectDocument } from '../document-content.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import { DocumentTypeEnum, errorResponses, LoanIdParam } from '../schemas.js';

export const MAX_DOCUMENT_BYTES = DOCUMENT_LIMITS.maxBytes;

const UPLOADABLE_STATUSES = new Set(['AWAITING_DOCUMENTS', 'ASSESSING', 'INITIAL_REVIEW', 'FINAL_REVIEW']);

const upload = secureRoute({
  method: 'post',
  path: '/{loanId}/documents',
  access: 'document:upload',
  summary: 'Upload a document / 上传资料',
  request: {
    params: LoanIdParam,
    body: {
      content: {
        'multipart/form-data': {
          schema: z.object({ type: DocumentTypeEnum, file: z.any().openapi({ type: 'string', format: 'binary' }) }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Stored',
      content: {
        'application/json': {
          schema: z.object({
            documentId: z.string(),
            sha256: z.string(),
            type: DocumentTypeEnum,
            sizeBytes: z.number(),
          }),
        },
      },
    },
    413: errorResponses[400],
    ...errorResponses,
  },
});

const download = secureRoute({
  method: 'get',
  path: '/{loanId}/documents/{documentId}',
  access: 'document:read',
  summary: 'View a document / 查看资料',
  request: {
    params: LoanIdParam.extend({
      documentId: z
        .string()
        .uuid()
        .openapi({ param: { name: 'documentId', in: 'path' } }),
    }),
  },
  responses: { 200: { description: 'The file, as uploaded' }, ...errorResponses },
});

export const documentRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(upload, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const loan = await loanInScope(deps.sql, user, loanId);
    if (!UPLOADABLE_STATUSES.has(loan.status)) {
      throw ApiError.conflict('WRONG_STAGE', {
        zh: `贷款状态为 ${loan.status}，不能再上传资料`,
        en: `The loan is ${loan.status}; documents can no longer be added`,
      });
    }
    if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', {
        zh: '请以 multipart/form-data 上传',
        en: 'Upload as multipart/form-data',
      });
    }
    const form = await c.req.parseBody().catch(() => {
      throw new ApiError(400, 'MALFORMED_REQUEST', { zh: '表单格式错误', en: 'Malformed multipart body' });
    });
    const type = form.type;
    const file = form.file;
    const problems = [];
    if (typeof type !== 'string' || !(DOCUMENT_TYPES as readonly string[]).includes(type)) {
      problems.push({
        field: 'type',
        code: 'INVALID_VALUE',
        message: {
          zh: `资料类型无效，可选：${DOCUMENT_TYPES.join(', ')}`,
          en: `must be one of: ${DOCUMENT_TYPES.join(', ')}`,
        },
      });
    }
    if (!(file instanceof File))
      problems.push({ field: 'file', code: 'REQUIRED', message: { zh: '请选择文件', en: 'a file is required' } });
    else if (hasControlCharacters(file.name))
      problems.push({
        field: 'file',
        code: 'INVALID_FILENAME',
        message: { zh: '文件名不能包含控制字符', en: 'the file name must not contain control characters' },
      });
    if (problems.length) throw ApiError.validation(problems);
    const blob = file as File;
    const documentType = type as DocumentType;
    if (blob.size === 0)
      throw ApiError.validation([
        { field: 'file', code: 'EMPTY', message: { zh: '文件为空', en: 'the file is empty' } },
      ]);
    if (blob.size > MAX_DOCUMENT_BYTES) {
      throw new ApiError(413, 'FILE_TOO_LARGE', { zh: '文件不能超过 10 MB', en: 'The file must not exceed 10 MB' }, [
        { field: 'file', code: 'TOO_BIG', message: { zh: '文件不能超过 10 MB', en: 'must not exceed 10 MB' } },
      ]);
    }
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const { contentType } = await inspectDocument(bytes).catch((err: unknown) => {
      throw err instanceof DocumentRejected ? ApiError.validation([err.problem]) : err;
    });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sealed = deps.cipher.seal(bytes, DOCUMENT_CONTEXT);
    const filename = (blob.name || documentType).slice(0, 120);
    // Documents an earlier upload stored while Temporal was away go first: while it still is, this
    // upload stores nothing more (503), so retries cannot fill the cap with undelivered files.
    await deliverWaitingDocuments(deps.sql, deps.temporal, loanId);
    // The loan row is locked so two uploads at once cannot both take the last place under the cap.
    const row = await deps.sql.begin(async (tx) => {
      await tx`select id from loans where id = ${loanId} for update`;
      const [stored] = await tx<{ count: number }[]>`
        select count(*)::int as count from documents where loan_id = ${loanId}`;
      if (stored!.count >= DOCUMENT_LIMITS.maxDocumentsPerLoan)
        throw new ApiError(
          409,
          'TOO_MANY_DOCUMENTS',
          {
            zh: `每笔贷款最多上传 ${DOCUMENT_LIMITS.maxDocumentsPerLoan} 份资料`,
            en: `A loan takes at most ${DOCUMENT_LIMITS.maxDocumentsPerLoan} documents`,
          },
          [
            {
              field: 'file',
              code: 'TOO_MANY',
              message: {
                zh: `已达到每笔贷款 ${DOCUMENT_LIMITS.maxDocumentsPerLoan} 份的上限`,
                en: `the loan already has ${DOCUMENT_LIMITS.maxDocumentsPerLoan} documents`,
              },
            },
          ],
        );
      const [inserted] = await tx<{ id: string }[]>`
        insert into documents (loan_id, type, filename, content_type, size_bytes, sha256, content_enc, key_id, uploaded_by)
        values (${loanId}, ${documentType}, ${filename}, ${contentType}, ${bytes.length}, ${sha256}, ${sealed.bytes}, ${sealed.keyId}, ${user.userId})
        returning id`;
      return inserted!;
    });
    // Audited once stored: a document delivered later, by another upload, is on record too.
    await auditRequest(c, deps.sql, {
      action: 'DOCUMENT_UPLOADED',
      result: 'SUCCESS',
      resourceType: 'document',
      resourceId: row.id,
      loanId,
      detail: { type: documentType, sha256, sizeBytes: bytes.length },
    });
    await deliverWaitingDocuments(deps.sql, deps.temporal, loanId);
    return c.json({ documentId: row.id, sha256, type: documentType, sizeBytes: bytes.length }, 201);
  });

  app.openapi(download, async (c) => {
    const user = currentUser(c);
    const { loanId, documentId } = c.req.valid('param');
    await loanInScope(deps.sql, user, loanId);
    const [doc] = await deps.sql<
      { content_type: string; filename: string; content_enc: Buffer; key_id: string; sha256: string; type: string }[]
    >`
      select content_type, filename, content_enc, key_id, sha256, type from documents where id = ${documentId} and loan_id = ${loanId}`;
    if (!doc) throw ApiError.notFound({ zh: '资料', en: 'Document' });
    const bytes = deps.cipher.open({ keyId: doc.key_id, bytes: doc.content_enc }, DOCUMENT_CONTEXT);
    await auditRequest(c, deps.sql, {
      action: 'PII_READ_DOCUMENT',
      result: 'SUCCESS',
      resourceType: 'document',
      resourceId: documentId,
      loanId,
      detail: { type: doc.type },
    });
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        'content-type': doc.content_type,
        'content-disposition': `inline; filename="${doc.type}"`,
        'x-content-sha256': doc.sha256,
        'cache-control': 'private, no-store',
      },
    });
  });
  return app;
};
