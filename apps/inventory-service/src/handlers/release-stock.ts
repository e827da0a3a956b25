import { taskHandler } from '@shop/common';
import { ReservationRequest } from '@shop/contracts';
import { dynamoInventoryStore } from '../adapters/dynamodb-inventory-store';
import { releaseStock } from '../domain/stock-reservations';

const store = dynamoInventoryStore();

export const handler = taskHandler(ReservationRequest, async ({ payload, log }) => {
  const reservation = await releaseStock(payload.orderId, store, new Date());
  log.info({ orderId: reservation.orderId, status: reservation.status }, 'stock release answered');
  return reservation;
});
