import { z } from '@hono/zod-openapi';
import { validateProduct } from '../../domain/products.js';
import { findProduct, listProducts, saveProduct } from '../../db/products.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import { errorResponses, JsonObject } from '../schemas.js';

const CodeParam = z.object({
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_-]{1,31}$/)
    .openapi({ param: { name: 'code', in: 'path' }, example: 'CONSUMER_STD' }),
});
const Product = JsonObject.openapi('LoanProduct');

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'product:read',
  summary: 'Loan products / 贷款产品',
  responses: {
    200: {
      description: 'Active products',
      content: { 'application/json': { schema: z.object({ products: z.array(Product) }) } },
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
    200: { description: 'The product', content: { 'application/json': { schema: Product } } },
    ...errorResponses,
  },
});

const put = secureRoute({
  method: 'put',
  path: '/{code}',
  access: 'product:manage',
  summary: 'Create or change a product / 新增或修改产品',
  description: 'Loans already applied for keep the product as it was when they applied.',
  request: { params: CodeParam, body: { content: { 'application/json': { schema: Product } }, required: true } },
  responses: {
    200: {
      description: 'Saved',
      content: {
        'application/json': { schema: z.object({ code: z.string(), version: z.number(), created: z.boolean() }) },
      },
    },
    ...errorResponses,
  },
});

export const productRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(list, async (c) =>
    c.json({ products: (await listProducts(deps.sql)) as unknown as Array<Record<string, unknown>> }, 200),
  );
  app.openapi(one, async (c) => {
    const product = await findProduct(deps.sql, c.req.valid('param').code);
    if (!product) throw ApiError.notFound({ zh: '产品', en: 'Product' });
    return c.json(product as unknown as Record<string, unknown>, 200);
  });
  app.openapi(put, async (c) => {
    const user = currentUser(c);
    const { code } = c.req.valid('param');
    const checked = validateProduct({ ...c.req.valid('json'), code });
    if (!checked.ok) throw ApiError.validation(checked.problems);
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
