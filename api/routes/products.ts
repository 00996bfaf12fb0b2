import { z } from '@hono/zod-openapi';
import { productAprProblems } from '../../domain/apr-cap.js';
import { localDateOf } from '../../domain/business-time.js';
import { validateProduct, type LoanProduct } from '../../domain/products.js';
import { findProduct, listProducts, saveProduct } from '../../db/products.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { seesBorrowerView } from '../borrower-facing.js';
import { BorrowerProduct, borrowerProductView } from '../borrower-product-view.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import { loanProductShape, LoanProductSchema, ProductCode } from '../product-schemas.js';

const CodeParam = z.object({ code: ProductCode.openapi({ param: { name: 'code', in: 'path' } }) });
/** A product in the staff's list: its definition, the version saved last and whether it takes applications. */
const ListedProduct = z
  .object({ ...loanProductShape, version: z.number().int().min(1), active: z.boolean() })
  .strict()
  .openapi('ListedLoanProduct');
/** What PUT takes: a product; `code` comes from the path, and a listed product's version and active may be sent back. */
const ProductInput = z
  .object({
    ...loanProductShape,
    code: ProductCode.optional().openapi({ description: 'Ignored: the code is the one in the path' }),
    version: z.number().int().min(1).optional().openapi({ description: 'Ignored: the version is counted on saving' }),
    active: z.boolean().optional().openapi({ description: 'Ignored: a saved product takes applications' }),
  })
  .strict()
  .openapi('LoanProductInput');

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'product:read',
  summary: 'Loan products / 贷款产品',
  responses: {
    200: {
      description:
        'Active products. A borrower, and any caller through a channel (X-Api-Key), get BorrowerProduct: the terms, without the decision policy',
      content: {
        'application/json': {
          schema: z.object({ products: z.array(z.union([ListedProduct, BorrowerProduct])) }).strict(),
        },
      },
    },
    ...errorResponses,
  },
});

const one = secureRoute({
  method: 'get',
  path: '/{code}',
  access: 'product:read',
  summary: 'One loan product / 产品详情',
  request: { params: CodeParam },
  responses: {
    200: {
      description: 'The product; BorrowerProduct for a borrower or a channel',
      content: { 'application/json': { schema: z.union([LoanProductSchema, BorrowerProduct]) } },
    },
    ...errorResponses,
  },
});

const put = secureRoute({
  method: 'put',
  path: '/{code}',
  access: 'product:manage',
  summary: 'Create or change a product / 新增或修改产品',
  description:
    'Loans already applied for keep the product as it was when they applied. Limits whose dearest terms — the minimum amount at the maximum rate over the shortest and the longest term, for every method and frequency, fees included — carry an APR above aprCap are refused with 422 APR_ABOVE_CAP naming minAmount and the term field, the APR and the cap.',
  request: {
    params: CodeParam,
    body: { content: { 'application/json': { schema: ProductInput } }, required: true },
  },
  responses: {
    200: {
      description: 'Saved',
      content: {
        'application/json': {
          schema: z.object({ code: ProductCode, version: z.number().int().min(1), created: z.boolean() }).strict(),
        },
      },
    },
    ...errorResponses,
  },
});

/** Refuses (422) limits whose dearest terms, fees included, carry an APR above the product's cap. */
function refuseLimitsAboveAprCap(product: LoanProduct, today: string): void {
  const problems = productAprProblems(product, today);
  const first = problems[0];
  if (!first) return;
  const fields = problems.map((p) => p.field).join(', ');
  throw new ApiError(
    422,
    first.code,
    {
      zh: `产品限额超出年化利率上限（${fields}）：${first.message.zh}`,
      en: `Product limits above the APR cap (${fields}): ${first.message.en}`,
    },
    problems,
  );
}

export const productRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const products = await listProducts(deps.sql);
    if (seesBorrowerView(currentUser(c), c.get('channel')))
      return c.json({ products: products.map(borrowerProductView) }, 200);
    return c.json({ products }, 200);
  });
  app.openapi(one, async (c) => {
    const product = await findProduct(deps.sql, c.req.valid('param').code);
    if (!product) throw ApiError.notFound({ zh: '产品', en: 'Product' });
    if (seesBorrowerView(currentUser(c), c.get('channel'))) return c.json(borrowerProductView(product), 200);
    return c.json(product, 200);
  });
  app.openapi(put, async (c) => {
    const user = currentUser(c);
    const { code } = c.req.valid('param');
    const { version: _listed, active: _active, ...product } = c.req.valid('json');
    const checked = validateProduct({ ...product, code });
    if (!checked.ok) throw ApiError.validation(checked.problems);
    refuseLimitsAboveAprCap(checked.value, localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE));
    const saved = await saveProduct(deps.sql, checked.value, user.userId);
    await auditRequest(c, deps.sql, {
      action: 'PRODUCT_SAVED',
      result: 'SUCCESS',
      resourceType: 'product',
      resourceId: code,
      detail: { version: saved.version },
    });
    return c.json({ code, version: saved.version, created: saved.created }, 200);
  });
  return app;
};
