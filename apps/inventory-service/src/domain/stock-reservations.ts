import type {
  CheckAvailabilityRequest,
  CheckAvailabilityResponse,
  ReservationResponse,
  ReserveStockRequest,
} from '@shop/contracts';
import { OutOfStockError, ReservationNotFoundError, ReservationReleasedError } from './errors';
import type { InventoryStore } from './inventory-store';
import { mergeLines, newReservation, type ProductStock } from './reservation';

/** Every line listed and in stock for its whole demand. Reads only; reserving may still find less. */
export function availability(lines: CheckAvailabilityRequest['lines'], stocks: readonly ProductStock[]): CheckAvailabilityResponse {
  const byId = new Map(stocks.map((s) => [s.productId, s]));
  const answer = mergeLines(lines).map((line) => {
    const product = byId.get(line.productId);
    return { productId: line.productId, requested: line.quantity, inStock: product?.stock ?? 0, listed: product?.listed ?? false };
  });
  return { available: answer.every((l) => l.listed && l.inStock >= l.requested), lines: answer };
}

export async function checkAvailability(request: CheckAvailabilityRequest, store: InventoryStore): Promise<CheckAvailabilityResponse> {
  const stocks = await store.stockOf(mergeLines(request.lines).map((l) => l.productId));
  return availability(request.lines, stocks);
}

/**
 * Reserves every line or none. A retry for an order that reserved already answers that
 * reservation and takes nothing more.
 */
export async function reserveStock(request: ReserveStockRequest, store: InventoryStore, now: Date): Promise<ReservationResponse> {
  const outcome = await store.reserve(newReservation(request.orderId, request.lines, now));
  switch (outcome.kind) {
    case 'reserved':
      return { orderId: request.orderId, status: 'RESERVED' };
    case 'short':
      throw new OutOfStockError(outcome.shortages);
    case 'already-reserved': {
      const existing = await store.getReservation(request.orderId);
      if (!existing) throw new Error(`order ${request.orderId} was reserved, and its reservation is gone`);
      return { orderId: existing.orderId, status: existing.status };
    }
  }
}

/** Makes the reservation final. Committing twice is fine; committing a released one is not. */
export async function commitStock(orderId: string, store: InventoryStore, now: Date): Promise<ReservationResponse> {
  if (await store.commit(orderId, now)) return { orderId, status: 'COMMITTED' };
  const current = await store.getReservation(orderId);
  switch (current?.status) {
    case undefined:
      throw new ReservationNotFoundError(orderId);
    case 'RELEASED':
      throw new ReservationReleasedError(orderId);
    case 'COMMITTED':
      return { orderId, status: 'COMMITTED' };
    case 'RESERVED':
      // Only if the reservation appeared between the two reads; a retry commits it.
      throw new Error(`the reservation of order ${orderId} changed during commit`);
  }
}

/**
 * Gives the stock back once. A reservation that is not RESERVED (released already, or
 * committed) is answered as it is. An order that never reserved had nothing to give back, and is
 * recorded RELEASED holding nothing: a reserve for it that is still under way (a transaction the
 * SDK gave up waiting for, which DynamoDB may yet apply) then finds the order taken and takes no
 * stock, instead of holding it for an order that has ended.
 */
export async function releaseStock(orderId: string, store: InventoryStore, now: Date): Promise<ReservationResponse> {
  let reservation = await store.getReservation(orderId);
  if (!reservation) {
    if (await store.markReleased(orderId, now)) return { orderId, status: 'RELEASED' };
    // The reservation came in between: release it.
    reservation = await store.getReservation(orderId);
    if (!reservation) throw new Error(`order ${orderId} has a reservation that cannot be read`);
  }
  if (reservation.status !== 'RESERVED') return { orderId, status: reservation.status };
  if (await store.release(reservation, now)) return { orderId, status: 'RELEASED' };
  // Another release (or a commit) came first.
  const current = await store.getReservation(orderId);
  return { orderId, status: current?.status ?? 'RELEASED' };
}
