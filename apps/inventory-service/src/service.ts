import { defineService } from '@shop/platform';
import { IdempotencyKey, PageQuery, ProductIdPath, StockAdjustmentPage, StockAdjustmentRequest, StockAdjustmentResult } from '@shop/contracts';
import * as z from 'zod/mini';

const PRODUCTS = 'product-service/products';
/**
 * The attributes of product-service's products that inventory may name: the key, the stock it reads and
 * changes, and `listing`, which its conditions check (a soft-deleted product takes no stock). IAM
 * cannot tell an attribute in a condition from one written, so `listing` is here; names, prices
 * and the rest of the catalogue are out of its reach.
 */
const STOCK_ATTRIBUTES = ['productId', 'stock', 'listing'];
const CHECKOUT = 'checkout-orchestrator/checkout';
const STOCK_KEEPERS = ['ADMIN', 'MANAGER'] as const;

export const service = defineService({
  name: 'inventory-service',
  description: 'Stock: availability checks, all-or-nothing reservations, commit and release for checkout; adjustments by staff, with their audit trail.',
  tables: {
    reservations: {
      description: 'One item per order that reserved stock: {orderId, lines, status RESERVED/COMMITTED/RELEASED, createdAt, ...}.',
      partitionKey: { name: 'orderId', type: 'S' },
    },
    'stock-adjustments': {
      description: "Each product's stock audit trail: {productId, adjustmentKey <at>#<adjustmentId>, adjustmentId, delta, reason, by, at}.",
      partitionKey: { name: 'productId', type: 'S' },
      sortKey: { name: 'adjustmentKey', type: 'S' },
    },
    'idempotency-keys': {
      description: 'Idempotency-Key of each stock adjustment (per user) with the hash of its request and the adjustment it made; expires after 24 h.',
      partitionKey: { name: 'key', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
  },
  functions: {
    'check-availability': {
      description: 'Answers, without changing anything, whether every line of an order is listed and in stock.',
      triggers: [{ type: 'invoke', callers: ['order-service/validate-order'] }],
      permissions: { foreignTables: { [PRODUCTS]: { actions: ['BatchGetItem'], attributes: STOCK_ATTRIBUTES } } },
    },
    'reserve-stock': {
      description: 'Takes the stock of every line of an order in one transaction, all or none; throws OutOfStock.',
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['ReserveStock'] }],
      // Stock lives on product-service's products table: one transaction must span both tables.
      permissions: { tables: { reservations: ['PutItem', 'GetItem'] }, foreignTables: { [PRODUCTS]: { actions: ['UpdateItem'], attributes: STOCK_ATTRIBUTES } } },
    },
    'commit-stock': {
      description: 'Makes a paid order\'s reservation final; throws ReservationReleased if it was released.',
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['CommitStock'] }],
      permissions: { tables: { reservations: ['UpdateItem', 'GetItem'] } },
    },
    'release-stock': {
      description: 'Gives a reservation\'s stock back, once, when checkout fails or the order is cancelled.',
      triggers: [
        { type: 'state-machine-task', stateMachine: CHECKOUT, states: ['ReleaseStock'] },
        { type: 'invoke', callers: ['order-service/cancel-order'] },
      ],
      // PutItem: an order that never reserved is recorded RELEASED, so that a late reserve takes nothing.
      permissions: { tables: { reservations: ['GetItem', 'PutItem', 'UpdateItem'] }, foreignTables: { [PRODUCTS]: { actions: ['UpdateItem'], attributes: STOCK_ATTRIBUTES } } },
    },
    'adjust-stock': {
      description: "Changes a product's stock by a signed delta and records it in the audit trail, in one transaction; idempotent by key.",
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/products/{id}/stock-adjustments',
          auth: { kind: 'signed-in', roles: STOCK_KEEPERS },
          summary: "Adjust a product's stock by a signed delta, with a reason (Idempotency-Key header required)",
          request: {
            path: ProductIdPath,
            body: StockAdjustmentRequest,
            headers: z.looseObject({
              'idempotency-key': IdempotencyKey.check(
                z.describe(
                  'A token of the client, chosen once per adjustment and sent unchanged with every retry of it (8–128 letters, digits, - or _): ' +
                    'for 24 hours a retry answers the adjustment the first request made, and moves the stock once. ' +
                    'The same key with another body is 422 IDEMPOTENCY_KEY_REUSED.',
                ),
              ),
            }),
          },
          response: { status: 201, body: StockAdjustmentResult },
          errors: [403, 404, 409, 422, 503],
        },
      ],
      // The stock change, the trail entry and the key are one transaction across both services' tables.
      permissions: {
        tables: { 'stock-adjustments': ['PutItem', 'GetItem'], 'idempotency-keys': ['PutItem', 'GetItem'] },
        foreignTables: { [PRODUCTS]: { actions: ['UpdateItem', 'GetItem'], attributes: STOCK_ATTRIBUTES } },
      },
    },
    'list-stock-adjustments': {
      description: "Answers a product's stock audit trail, newest first, one page at a time.",
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/products/{id}/stock-adjustments',
          auth: { kind: 'signed-in', roles: STOCK_KEEPERS },
          summary: "List a product's stock adjustments, newest first (cursor pagination)",
          request: { path: ProductIdPath, query: PageQuery },
          response: { status: 200, body: StockAdjustmentPage },
          errors: [403, 404],
        },
      ],
      permissions: { tables: { 'stock-adjustments': ['Query'] }, foreignTables: { [PRODUCTS]: { actions: ['GetItem'], attributes: STOCK_ATTRIBUTES } } },
    },
  },
});

export type InventoryService = typeof service;
