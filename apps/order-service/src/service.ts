import { defineService } from '@shop/platform';
import { CreateOrderRequest, CreateOrderResponse, IdempotencyKey, Order, OrderIdPath, OrderPage, PageQuery } from '@shop/contracts';
import * as z from 'zod/mini';

const CHECKOUT = 'checkout-orchestrator/checkout';

export const service = defineService({
  name: 'order-service',
  description: "Orders: idempotent checkout that starts the checkout state machine, the order status machine, and the customer's view of their orders.",
  tables: {
    orders: {
      description: "One item per order with its priced lines, status, the charges taken for it and their refunds, and the checkout's internal attributes (task token, payment event).",
      partitionKey: { name: 'orderId', type: 'S' },
      // order-events turns each status change into a domain event: the stream is their one source.
      stream: 'NEW_AND_OLD_IMAGES',
      globalSecondaryIndexes: [{ name: 'by-user', partitionKey: { name: 'userId', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } }],
    },
    'idempotency-keys': {
      description: 'Idempotency-Key of each POST /orders (per user) with the hash of its body and the order it makes; expires after 24 h.',
      partitionKey: { name: 'key', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
    'open-orders': {
      description:
        'One item per customer: the orders create-order last counted as awaiting payment (at most 3), each read again at the next checkout, with the version every write is conditional on.',
      partitionKey: { name: 'userId', type: 'S' },
    },
  },
  queues: {
    'checkout-start-checks': {
      description:
        'One delayed message per order written (CheckoutStartCheck), sent before the order is: after one payment window (at most 15 minutes), close-unstarted-order closes the order if its checkout never started.',
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
    },
  },
  functions: {
    'create-order': {
      description: "Checks out the caller's cart: prices it, writes a PENDING order, starts the checkout, empties the ordered lines from the cart and tells analytics; idempotent by key.",
      timeoutSeconds: 15,
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/orders',
          auth: { kind: 'signed-in' },
          summary: "Place an order for the caller's cart (Idempotency-Key header required)",
          request: {
            body: CreateOrderRequest,
            headers: z.looseObject({
              'idempotency-key': IdempotencyKey.check(
                z.describe(
                  'A token of the client, chosen once per checkout and sent unchanged with every retry of it (8–128 letters, digits, - or _): ' +
                    'for 24 hours a retry answers the order the first request placed, and places no second one. ' +
                    'The same key with another body is 422 IDEMPOTENCY_KEY_REUSED.',
                ),
              ),
            }),
          },
          response: { status: 201, body: CreateOrderResponse },
          // 409: also TOO_MANY_OPEN_ORDERS, when the caller holds the most orders awaiting payment.
          // 503: the cart or the catalogue could not be read; nothing was ordered.
          errors: [404, 409, 422, 503],
        },
      ],
      permissions: {
        tables: { orders: ['GetItem', 'PutItem', 'UpdateItem'], 'idempotency-keys': ['GetItem', 'PutItem'], 'open-orders': ['GetItem', 'PutItem'] },
        invokes: ['cart-service/read-cart', 'product-service/get-products', 'cart-service/clear-cart'],
        invokesAsync: ['analytics-service/stream-processor'],
        stateMachines: { [CHECKOUT]: ['StartExecution'] },
        sendsTo: ['order-service/checkout-start-checks'],
      },
      uses: ['checkout'],
    },
    'close-unstarted-order': {
      description:
        'Cancels an order whose checkout never started (StartExecution failed or create-order died, and no retry came within one payment window): nothing was reserved or charged.',
      triggers: [{ type: 'queue', queue: 'order-service/checkout-start-checks', batchSize: 10 }],
      // DescribeExecution: whether a retry of create-order started the order's execution before it noted so.
      permissions: { tables: { orders: ['GetItem', 'UpdateItem'] }, stateMachines: { [CHECKOUT]: ['DescribeExecution'] } },
    },
    'get-order': {
      description: 'Answers one order to its owner or an ADMIN.',
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/orders/{orderId}',
          auth: { kind: 'signed-in' },
          summary: 'Get an order (its owner, or ADMIN)',
          request: { path: OrderIdPath },
          response: { status: 200, body: Order },
          errors: [404],
        },
      ],
      permissions: { tables: { orders: ['GetItem'] } },
    },
    'list-orders': {
      description: "Lists the caller's own orders, newest first, one page at a time.",
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/orders',
          auth: { kind: 'signed-in' },
          summary: 'List my orders (cursor pagination)',
          request: { query: PageQuery },
          response: { status: 200, body: OrderPage },
        },
      ],
      permissions: { tables: { orders: { indexes: { 'by-user': ['Query'] } } } },
    },
    'cancel-order': {
      description: "Cancels the caller's order before it is paid, ends its checkout and gives its stock back.",
      timeoutSeconds: 15,
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/orders/{orderId}/cancel',
          auth: { kind: 'signed-in' },
          summary: 'Cancel my order (before payment)',
          request: { path: OrderIdPath },
          response: { status: 200, body: Order },
          errors: [404, 409],
        },
      ],
      permissions: {
        tables: { orders: ['GetItem', 'UpdateItem'] },
        invokes: ['inventory-service/release-stock'],
        stateMachines: { [CHECKOUT]: ['SendTaskSuccess', 'SendTaskFailure'] },
      },
    },
    'validate-order': {
      description: 'Checkout step ValidateOrder: checks with inventory that every line is in stock.',
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['ValidateOrder'] }],
      permissions: { tables: { orders: ['GetItem'] }, invokes: ['inventory-service/check-availability'] },
    },
    'await-payment': {
      description: 'Checkout step WaitForPayment: puts the order AWAITING_PAYMENT and keeps the task token until the payment result comes.',
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['WaitForPayment'] }],
      // A retried step reports an outcome that was recorded before it ran, with its own token.
      permissions: { tables: { orders: ['GetItem', 'UpdateItem'] }, stateMachines: { [CHECKOUT]: ['SendTaskSuccess', 'SendTaskFailure'] } },
    },
    'begin-payment': {
      description: 'Claims an order for one charge before payment-service charges it: the owner, AWAITING_PAYMENT, inside its payment window, nothing else in flight.',
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['payment-service/process-payment'] }],
      permissions: { tables: { orders: ['GetItem', 'UpdateItem'] } },
    },
    'release-payment-claim': {
      description: "Ends a payment claim whose charge the provider refused without making one, so that another payment method may be tried at once.",
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['payment-service/process-payment'] }],
      permissions: { tables: { orders: ['UpdateItem'] } },
    },
    'update-order-status': {
      description: "Consumes payment-service's verified charge and refund outcomes: records each once on its order and resumes the waiting checkout.",
      timeoutSeconds: 15,
      triggers: [{ type: 'queue', queue: 'payment-service/payment-events', batchSize: 10 }],
      permissions: {
        tables: { orders: ['GetItem', 'UpdateItem'] },
        stateMachines: { [CHECKOUT]: ['SendTaskSuccess', 'SendTaskFailure'] },
      },
    },
    'finalize-order': {
      description: 'Checkout steps MarkPaid and Finalize: moves the order to PAID, CANCELLED or PAYMENT_FAILED along the transition table.',
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['MarkPaid', 'Finalize'] }],
      permissions: { tables: { orders: ['GetItem', 'UpdateItem'] } },
    },
  },
});

export type OrderService = typeof service;
