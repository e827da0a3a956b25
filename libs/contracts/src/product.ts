import * as z from 'zod/mini';
import { Id, IdempotencyKey, IsoTimestamp } from './ids';
import { Money } from './money';

export const PRODUCT_NAME_MAX = 200;
export const PRODUCT_DESCRIPTION_MAX = 2000;
export const STOCK_MAX = 1_000_000;

const ProductName = z.string().check(z.trim(), z.minLength(1), z.maxLength(PRODUCT_NAME_MAX));
const ProductDescription = z.string().check(z.trim(), z.maxLength(PRODUCT_DESCRIPTION_MAX));
const Stock = z.int().check(z.minimum(0), z.maximum(STOCK_MAX));

/**
 * What `stock` means everywhere in the shop. For every product, at all times:
 * initial stock + Σ stock adjustments = stock + Σ reserved (orders awaiting payment) + Σ sold.
 */
export const STOCK_MEANING =
  'Available to sell: not reserved by an order awaiting payment, not sold. Checkout takes from it and gives back what a failed or ' +
  'cancelled order held; staff change it only with POST /products/{id}/stock-adjustments.';

export const Product = z.object({
  productId: Id,
  name: z.string(),
  description: z.string(),
  price: Money,
  stock: z.int().check(z.describe(STOCK_MEANING)),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type Product = z.infer<typeof Product>;

export const CreateProductRequest = z.strictObject({
  name: ProductName,
  description: z._default(ProductDescription, ''),
  price: Money,
  stock: Stock.check(
    z.describe(`The opening stock, available to sell (0..${STOCK_MAX}). Afterwards it changes only with stock adjustments and checkouts.`),
  ),
});
export type CreateProductRequest = z.infer<typeof CreateProductRequest>;

/** Why PUT /products/{id} refuses `stock`: an absolute value would overwrite what checkouts took or gave back meanwhile. */
export const STOCK_NOT_UPDATABLE =
  'stock cannot be set: it changes by signed deltas, POST /products/{id}/stock-adjustments {delta, reason} with an Idempotency-Key';

export const UpdateProductRequest = z
  .partial(
    z.strictObject({
      name: ProductName,
      description: ProductDescription,
      price: Money,
      stock: z.never({ error: STOCK_NOT_UPDATABLE }).check(z.describe(`Not accepted: ${STOCK_NOT_UPDATABLE}`)),
    }),
  )
  .check(z.refine((u) => Object.keys(u).length > 0, { message: 'at least one of name, description, price is required' }));
export type UpdateProductRequest = z.infer<typeof UpdateProductRequest>;

/**
 * `If-Match` of PUT and DELETE /products/{id}: `*`, or one or more `ETag`s that GET /products/{id} answered
 * (a quoted version number, `"3"`), at most 20. Only strong tags of that form can ever match; anything else is bad input.
 */
export const IfMatch = z
  .string()
  .check(z.trim(), z.regex(/^(\*|"\d{1,15}"(\s*,\s*"\d{1,15}"){0,19})$/, 'must be * or the ETag of GET /products/{id}, such as "3" (at most 20)'));

export const CreateProductHeaders = z.looseObject({
  'idempotency-key': z.optional(IdempotencyKey).check(
    z.describe(
      'A token of the client, the same for every retry of one new product (8–128 letters, digits, - or _): a retry after a lost answer ' +
        'answers the product the first request made, and makes no second one. The same key with another product is 422 IDEMPOTENCY_KEY_REUSED. ' +
        'Without it every request makes a new product.',
    ),
  ),
});

export const UpdateProductHeaders = z.looseObject({
  'if-match': z.optional(IfMatch).check(
    z.describe(
    "The product's ETag from GET /products/{id}: the update is made only if the product is still at that version, " +
      'else 412 PRECONDITION_FAILED and nothing changes. Without it the update is made whatever changed since (last write wins). ' +
        'The version counts changes made with PUT /products/{id}; stock changes do not move it.',
    ),
  ),
});

export const DeleteProductHeaders = z.looseObject({
  'if-match': z.optional(IfMatch).check(
    z.describe(
      "The product's ETag from GET /products/{id}: the product is deleted only if it is still at that version (nobody changed " +
        'it since the caller decided to delete it), else 412 PRECONDITION_FAILED and nothing changes. Without it the product is deleted whatever its version.',
    ),
  ),
});

export const ProductIdPath = z.strictObject({ id: Id });

export const PAGE_LIMIT_MAX = 100;
export const PageQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(PAGE_LIMIT_MAX)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const ProductPage = z.object({
  items: z.array(Product),
  nextCursor: z.nullable(z.string()),
});
export type ProductPage = z.infer<typeof ProductPage>;

/** product-service/get-products: at most this many ids per call. */
export const GET_PRODUCTS_MAX_IDS = 100;

/** Payload of the internal function product-service/get-products. */
export const GetProductsRequest = z.strictObject({ productIds: z.array(Id).check(z.minLength(1), z.maxLength(GET_PRODUCTS_MAX_IDS)) });
export type GetProductsRequest = z.infer<typeof GetProductsRequest>;

/** A product as other services see it: `listed` is false once it was soft-deleted. */
export const CatalogProduct = z.object({
  productId: Id,
  name: z.string(),
  price: Money,
  stock: z.int(),
  listed: z.boolean(),
});
export type CatalogProduct = z.infer<typeof CatalogProduct>;

/** Answer of product-service/get-products: one entry per known id, in the order asked; unknown ids are left out. */
export const GetProductsResponse = z.object({ products: z.array(CatalogProduct) });
export type GetProductsResponse = z.infer<typeof GetProductsResponse>;
