import { httpHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { sfnCheckoutStateMachine } from '../adapters/checkout-state-machine';
import { dynamoOrderRepository } from '../adapters/dynamodb-order-repository';
import { lambdaPeerServices } from '../adapters/peer-services';
import { cancelOrder } from '../domain/cancel-order';
import { service } from '../service';

const route = httpRoute(service, 'cancel-order');
const orders = dynamoOrderRepository();
const checkout = sfnCheckoutStateMachine();
const peers = lambdaPeerServices();

export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ path, principal, correlationId, log }) => {
  const order = await cancelOrder(
    { orders, checkout, peers, now: () => new Date(), log },
    { orderId: path.orderId, userId: principal.userId, correlationId },
  );
  return { status: 200, body: order };
});
