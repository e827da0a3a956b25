import { randomUUID } from 'node:crypto';
import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { checkoutConfig } from '../adapters/checkout-config';
import { sfnCheckoutStateMachine } from '../adapters/checkout-state-machine';
import { dynamoIdempotencyStore } from '../adapters/dynamodb-idempotency-store';
import { dynamoOpenOrdersStore } from '../adapters/dynamodb-open-orders-store';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { lambdaPeerServices } from '../adapters/peer-services';
import { sqsCheckoutStartChecks } from '../adapters/sqs-checkout-start-checks';
import { placeOrder } from '../domain/place-order';
import { service } from '../service';

const route = httpRoute(service, 'create-order');
const deps = {
  orders: dynamoOrderRepository(),
  idempotencyKeys: dynamoIdempotencyStore(),
  openOrders: dynamoOpenOrdersStore(),
  peers: lambdaPeerServices(),
  checkout: sfnCheckoutStateMachine(),
  startChecks: sqsCheckoutStartChecks(),
  paymentWindowSeconds: () => checkoutConfig().paymentWindowSeconds,
  newOrderId: () => randomUUID(),
  now: () => new Date(),
};

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body, headers, principal, correlationId, log }) => {
  const answer = await placeOrder({ ...deps, log }, { userId: principal.userId, idempotencyKey: headers['idempotency-key'], body, correlationId });
  log.info({ orderId: answer.orderId, status: answer.status, userId: principal.userId }, 'order placed');
  return { status: 201, body: answer };
});
