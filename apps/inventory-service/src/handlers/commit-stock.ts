import { taskHandler } from '@shop/common';
import { ReservationRequest } from '@shop/contracts';
import { dynamoInventoryStore } from '../adapters/dynamodb-inventory-store';
import { commitStock } from '../domain/stock-reservations';

const store = dynamoInventoryStore();

export const handler = taskHandler(ReservationRequest, async ({ payload, log }) => {
  const reservation = await commitStock(payload.orderId, store, new Date());
  log.info({ orderId: reservation.orderId }, 'stock committed');
  return reservation;
});
