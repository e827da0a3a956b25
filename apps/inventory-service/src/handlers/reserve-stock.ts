import { taskHandler } from '@shop/common';
import { ReserveStockRequest } from '@shop/contracts';
import { dynamoInventoryStore } from '../adapters/dynamodb-inventory-store';
import { reserveStock } from '../domain/stock-reservations';

const store = dynamoInventoryStore();

export const handler = taskHandler(ReserveStockRequest, async ({ payload, log }) => {
  const reservation = await reserveStock(payload, store, new Date());
  log.info({ orderId: reservation.orderId, status: reservation.status, lines: payload.lines.length }, 'stock reserved');
  return reservation;
});
