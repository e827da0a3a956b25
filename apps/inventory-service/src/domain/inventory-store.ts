import type { ProductStock, Reservation, Shortage } from './reservation';

export type ReserveOutcome =
  | { kind: 'reserved' }
  /** The order has a reservation already (a retry); nothing changed. */
  | { kind: 'already-reserved' }
  /** Some lines could not be served; nothing changed. */
  | { kind: 'short'; shortages: Shortage[] };

/** Stock (on product-service's products table) and the reservations that hold it. */
export interface InventoryStore {
  /** Stock of these products, read strongly consistent; unknown products are absent. */
  stockOf(productIds: readonly string[]): Promise<ProductStock[]>;
  /** Takes every line's stock and records the reservation, all or none. */
  reserve(reservation: Reservation): Promise<ReserveOutcome>;
  getReservation(orderId: string): Promise<Reservation | undefined>;
  /** RESERVED → COMMITTED; `false` (nothing changed) when the reservation is not RESERVED. */
  commit(orderId: string, now: Date): Promise<boolean>;
  /**
   * Records an order that never reserved as RELEASED, holding nothing, so that a reservation for it
   * still on its way cannot take stock after its release; `false` (nothing changed) when the order
   * has a reservation.
   */
  markReleased(orderId: string, now: Date): Promise<boolean>;
  /** RESERVED → RELEASED and every line's stock back, all or none; `false` (nothing changed) when it is not RESERVED. */
  release(reservation: Reservation, now: Date): Promise<boolean>;
}
