import * as z from 'zod';
import { Id, IsoTimestamp } from './ids';
import { Money } from './money';

export const PRODUCT_NAME_MAX = 200;
export const PRODUCT_DESCRIPTION_MAX = 2000;
export const STOCK_MAX = 1_000_000;

const ProductName = z.string().trim().min(1).max(PRODUCT_NAME_MAX);
const ProductDescription = z.string().trim().max(PRODUCT_DESCRIPTION_MAX);
const Stock = z.int().min(0).max(STOCK_MAX);

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
  stock: z.int().describe(STOCK_MEANING),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type Product = z.infer<typeof Product>;

export const CreateProductRequest = z.strictObject({
  name: ProductName,
  description: ProductDescription.default(''),
  price: Money,
  stock: Stock.describe(`The opening stock, available to sell (0..${STOCK_MAX}). Afterwards it changes only with stock adjustments and checkouts.`),
});
export type CreateProductRequest = z.infer<typeof CreateProductRequest>;

/** Why PUT /products/{id} refuses `stock`: an absolute value would overwrite what checkouts took or gave back meanwhile. */
export const STOCK_NOT_UPDATABLE =
  'stock cannot be set: it changes by signed deltas, POST /products/{id}/stock-adjustments {delta, reason} with an Idempotency-Key';

export const UpdateProductRequest = z
  .strictObject({
    name: ProductName,
    description: ProductDescription,
    price: Money,
    stock: z.never({ error: STOCK_NOT_UPDATABLE }).describe(`Not accepted: ${STOCK_NOT_UPDATABLE}`),
  })
  .partial()
  .refine((u) => Object.keys(u).length > 0, { message: 'at least one of name, description, price is required' });
export type UpdateProductRequest = z.infer<typeof UpdateProductRequest>;

/**
 * `If-Match` of PUT /products/{id}: `*`, or one or more `ETag`s that GET /products/{id} answered
 * (a quoted version number, `"3"`), at most 20. Only strong tags of that form can ever match; anything else is bad input.
 */
export const IfMatch = z
  .string()
  .trim()
  .regex(/^(\*|"\d{1,15}"(\s*,\s*"\d{1,15}"){0,19})$/, 'must be * or the ETag of GET /products/{id}, such as "3" (at most 20)');

export const UpdateProductHeaders = z.looseObject({
  'if-match': IfMatch.optional().describe(
    "The product's ETag from GET /products/{id}: the update is made only if the product is still at that version, " +
      'else 412 PRECONDITION_FAILED and nothing changes. Without it the update is made whatever changed since (last write wins). ' +
      'The version counts changes made with PUT /products/{id}; stock changes do not move it.',
  ),
});

export const ProductIdPath = z.strictObject({ id: Id });

export const PAGE_LIMIT_MAX = 100;
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const ProductPage = z.object({
  items: z.array(Product),
  nextCursor: z.string().nullable(),
});
export type ProductPage = z.infer<typeof ProductPage>;

/** product-service/get-products: at most this many ids per call. */
export const GET_PRODUCTS_MAX_IDS = 100;

/** Payload of the internal function product-service/get-products. */
export const GetProductsRequest = z.strictObject({ productIds: z.array(Id).min(1).max(GET_PRODUCTS_MAX_IDS) });
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
