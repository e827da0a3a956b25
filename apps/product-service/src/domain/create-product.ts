import { createHash } from 'node:crypto';
import { ConflictError, UnprocessableError } from '@shop/common';
import type { CreateProductRequest, Product } from '@shop/contracts';
import { newProduct, type ProductRecord, toProduct } from './product-record';

export interface CreateProductDeps {
  products: {
    /** Stores a new product, or answers the product already stored under its id. */
    create(record: ProductRecord): Promise<{ kind: 'created' } | { kind: 'exists'; record: ProductRecord }>;
  };
  now: () => Date;
  newId: () => string;
}

export interface CreateProduct {
  userId: string;
  body: CreateProductRequest;
  /** The client's Idempotency-Key, when it sent one. */
  idempotencyKey?: string;
}

export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor() {
    super('This Idempotency-Key was already used with another product; use a new key for a new product', 'IDEMPOTENCY_KEY_REUSED');
  }
}

/**
 * Adds a product to the catalogue. With an Idempotency-Key the product's id is derived from the
 * caller and the key, so a retry after a lost answer finds the product its first request made
 * (the put is conditional on the id being free) and answers it as it is now, instead of listing
 * the product, and its stock, twice. The key with another product is refused (422). The key lives
 * as long as the product: nothing expires, so a retry days later still makes nothing new.
 */
export async function createProduct(deps: CreateProductDeps, request: CreateProduct): Promise<Product> {
  const { body, idempotencyKey } = request;
  const productId = idempotencyKey === undefined ? deps.newId() : productIdFor(request.userId, idempotencyKey);
  const product = newProduct(body, { productId, now: deps.now() });
  const hash = idempotencyKey === undefined ? undefined : requestHash(body);
  const outcome = await deps.products.create({ ...product, ...(hash !== undefined && { requestHash: hash }) });
  if (outcome.kind === 'created') return product;
  if (hash === undefined) throw new ConflictError(`Product ${productId} already exists`);
  if (outcome.record.requestHash !== hash) throw new IdempotencyKeyReusedError();
  return toProduct(outcome.record);
}

/**
 * The product id of a caller's key: a version-8 UUID (RFC 9562, custom) of SHA-256 over the
 * caller and the key. Another caller's key, or another key, names another product; nobody can
 * choose a key that names an existing product.
 */
export function productIdFor(userId: string, idempotencyKey: string): string {
  const bytes = createHash('sha256').update(`product\n${userId}\n${idempotencyKey}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What a key remembers of its product: SHA-256 (hex) of the request as checked (names trimmed). */
export function requestHash(body: CreateProductRequest): string {
  return createHash('sha256').update(JSON.stringify([body.name, body.description, body.price.amount, body.price.currency, body.stock]), 'utf8').digest('hex');
}
