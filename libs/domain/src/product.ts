import * as z from 'zod';
import { Id, IsoTimestamp } from './ids';
import { Money } from './money';

export const PRODUCT_NAME_MAX = 200;
export const PRODUCT_DESCRIPTION_MAX = 2000;
export const STOCK_MAX = 1_000_000;

const ProductName = z.string().trim().min(1).max(PRODUCT_NAME_MAX);
const ProductDescription = z.string().trim().max(PRODUCT_DESCRIPTION_MAX);
const Stock = z.int().min(0).max(STOCK_MAX);

export const Product = z.object({
  productId: Id,
  name: z.string(),
  description: z.string(),
  price: Money,
  stock: z.int(),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type Product = z.infer<typeof Product>;

export const CreateProductRequest = z.strictObject({
  name: ProductName,
  description: ProductDescription.default(''),
  price: Money,
  stock: Stock,
});
export type CreateProductRequest = z.infer<typeof CreateProductRequest>;

export const UpdateProductRequest = z
  .strictObject({
    name: ProductName,
    description: ProductDescription,
    price: Money,
    stock: Stock,
  })
  .partial()
  .refine((u) => Object.keys(u).length > 0, { message: 'at least one of name, description, price, stock is required' });
export type UpdateProductRequest = z.infer<typeof UpdateProductRequest>;

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
