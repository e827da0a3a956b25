import { defineService } from '@shop/platform';
import {
  CreateProductHeaders,
  CreateProductRequest,
  DeleteProductHeaders,
  PageQuery,
  Product,
  ProductIdPath,
  ProductPage,
  UpdateProductHeaders,
  UpdateProductRequest,
} from '@shop/contracts';

const CATALOG_EDITORS = ['ADMIN', 'MANAGER'] as const;

export const service = defineService({
  name: 'product-service',
  description: 'The catalogue: products with prices in integer cents and stock, soft-deleted, listed with cursor pagination.',
  tables: {
    products: {
      description: 'One item per product, with its version (ETag) and initial stock; deleted products keep their item with a deletedAt.',
      partitionKey: { name: 'productId', type: 'S' },
      globalSecondaryIndexes: [
        {
          // Sparse: only listed (not deleted) products carry `listing`, so a page is never emptied by a filter.
          name: 'by-listing',
          partitionKey: { name: 'listing', type: 'S' },
          sortKey: { name: 'createdAt', type: 'S' },
        },
      ],
    },
  },
  functions: {
    'create-product': {
      description: 'Adds a product to the catalogue.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/products',
          auth: { kind: 'signed-in', roles: CATALOG_EDITORS },
          summary: 'Create a product (ADMIN or MANAGER); an Idempotency-Key makes a retry answer the same product',
          request: { body: CreateProductRequest, headers: CreateProductHeaders },
          response: { status: 201, body: Product },
          // 422: the Idempotency-Key was used with another product.
          errors: [403, 422],
        },
      ],
      // GetItem: a retried create answers the product its key made.
      permissions: { tables: { products: ['PutItem', 'GetItem'] } },
    },
    'update-product': {
      description: 'Changes the name, description or price of a listed product, optionally only at the version the editor read (If-Match).',
      triggers: [
        {
          type: 'http',
          method: 'PUT',
          path: '/products/{id}',
          auth: { kind: 'signed-in', roles: CATALOG_EDITORS },
          summary: "Update a product's name, description or price (ADMIN or MANAGER)",
          request: { path: ProductIdPath, body: UpdateProductRequest, headers: UpdateProductHeaders },
          response: { status: 200, body: Product },
          // 503 PRODUCT_BUSY: checkouts' stock transactions held the product through every attempt.
          errors: [403, 404, 412, 503],
        },
      ],
      permissions: { tables: { products: ['UpdateItem'] } },
    },
    'delete-product': {
      description: 'Soft-deletes a product: it disappears from the catalogue but stays for past orders.',
      triggers: [
        {
          type: 'http',
          method: 'DELETE',
          path: '/products/{id}',
          auth: { kind: 'signed-in', roles: ['ADMIN'] },
          summary: 'Delete a product (ADMIN), optionally only at the version the caller read (If-Match)',
          request: { path: ProductIdPath, headers: DeleteProductHeaders },
          response: { status: 204 },
          errors: [403, 404, 412, 503],
        },
      ],
      permissions: { tables: { products: ['UpdateItem'] } },
    },
    'get-product': {
      description: 'Answers one listed product.',
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/products/{id}',
          auth: { kind: 'public' },
          summary: 'Get a product (with its ETag)',
          request: { path: ProductIdPath },
          response: { status: 200, body: Product },
          errors: [404],
        },
      ],
      permissions: { tables: { products: ['GetItem'] } },
    },
    'list-products': {
      description: 'Lists listed products, newest first, one page at a time.',
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/products',
          auth: { kind: 'public' },
          summary: 'List products (cursor pagination)',
          request: { query: PageQuery },
          response: { status: 200, body: ProductPage },
        },
      ],
      permissions: { tables: { products: { indexes: { 'by-listing': ['Query'] } } } },
    },
    'get-products': {
      description: 'Answers several products, soft-deleted ones marked not listed, to the services that price and check carts.',
      triggers: [
        {
          type: 'invoke',
          // remove-cart-item answers the priced cart too, so it prices from here like add-to-cart and get-cart.
          callers: ['cart-service/add-to-cart', 'cart-service/get-cart', 'cart-service/remove-cart-item', 'order-service/create-order'],
        },
      ],
      permissions: { tables: { products: ['BatchGetItem'] } },
    },
  },
});

export type ProductService = typeof service;
