import { defineService } from '@shop/platform';
import { AddToCartRequest, Cart, CartItemPath, IdempotencyKey, SetCartItemRequest } from '@shop/contracts';
import * as z from 'zod/mini';

const GET_PRODUCTS = 'product-service/get-products';

const AddToCartHeaders = z.looseObject({
  'idempotency-key': z.optional(IdempotencyKey).check(
    z.describe(
      'A token of the client, the same for every resend of one add (8–128 letters, digits, - or _): a resend after a lost answer ' +
        'answers the cart as it is now and adds nothing more, as long as the key is among the cart\'s last 20 adds. The same key with ' +
        'another product or quantity is 422 IDEMPOTENCY_KEY_REUSED. Without it every request adds.',
    ),
  ),
});

export const service = defineService({
  name: 'cart-service',
  description: 'One cart per customer: lines of products and quantities, priced from the current catalogue when read.',
  tables: {
    carts: {
      description:
        'One item per user: {userId, cartId, lines: [{productId, quantity, addedAt}], updatedAt, version, clearedOrders?, addKeys?}; for a customer who deleted their account, a marker {userId, forgottenAt, forgetAt} instead, which expires a day later.',
      partitionKey: { name: 'userId', type: 'S' },
      // Only the markers of forgotten customers carry it: carts never expire.
      ttlAttribute: 'forgetAt',
    },
  },
  functions: {
    'add-to-cart': {
      description: 'Adds a listed product to the caller\'s cart, or more of it to its line.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/cart',
          auth: { kind: 'signed-in' },
          summary: 'Add a product to your cart (increments its line); an Idempotency-Key makes a resend add nothing more',
          request: { body: AddToCartRequest, headers: AddToCartHeaders },
          response: { status: 200, body: Cart },
          // 422: the Idempotency-Key was used with another product or quantity.
          errors: [404, 409, 422, 503],
        },
      ],
      permissions: { tables: { carts: ['GetItem', 'PutItem'] }, invokes: [GET_PRODUCTS] },
    },
    'get-cart': {
      description: 'Answers the caller\'s cart priced from the current catalogue, creating an empty one on first use.',
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/cart',
          auth: { kind: 'signed-in' },
          summary: 'Your cart, priced from the current catalogue',
          response: { status: 200, body: Cart },
          errors: [503],
        },
      ],
      // Writes only once per user: the empty cart that gives them a stable cartId.
      permissions: { tables: { carts: ['GetItem', 'PutItem'] }, invokes: [GET_PRODUCTS] },
    },
    'remove-cart-item': {
      description: 'Takes a product\'s line out of the caller\'s cart.',
      triggers: [
        {
          type: 'http',
          method: 'DELETE',
          path: '/cart/items/{productId}',
          auth: { kind: 'signed-in' },
          summary: 'Remove a product from your cart',
          request: { path: CartItemPath },
          response: { status: 200, body: Cart },
          errors: [404, 409, 503],
        },
      ],
      permissions: { tables: { carts: ['GetItem', 'PutItem'] }, invokes: [GET_PRODUCTS] },
    },
    'set-cart-item': {
      description: "Sets the quantity of a product's line in the caller's cart, in one change.",
      triggers: [
        {
          type: 'http',
          method: 'PUT',
          path: '/cart/items/{productId}',
          auth: { kind: 'signed-in' },
          summary: "Set a product's quantity in your cart (1–99)",
          request: { path: CartItemPath, body: SetCartItemRequest },
          response: { status: 200, body: Cart },
          errors: [404, 409, 503],
        },
      ],
      permissions: { tables: { carts: ['GetItem', 'PutItem'] }, invokes: [GET_PRODUCTS] },
    },
    'read-cart': {
      description: 'Answers a user\'s cart lines, unpriced, to checkout.',
      triggers: [{ type: 'invoke', callers: ['order-service/create-order'] }],
      permissions: { tables: { carts: ['GetItem'] } },
    },
    'clear-cart': {
      description: 'Takes a placed order\'s lines out of the cart it was placed from, once per order.',
      // create-order (15 s) waits for it after its other steps; a stuck clear must end before that.
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['order-service/create-order'] }],
      // Reads the cart to write it conditionally on the version read, as every cart change does.
      permissions: { tables: { carts: ['GetItem', 'PutItem'] } },
    },
    'forget-customer': {
      description: "Erases a customer's cart when they delete their account, and keeps their tokens from making another.",
      // delete-account waits for it before it deletes anything of its own.
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['user-service/delete-account'] }],
      // One unconditional put of the marker over the cart: nothing is read.
      permissions: { tables: { carts: ['PutItem'] } },
    },
  },
});

export type CartService = typeof service;
