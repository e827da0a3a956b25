import type { ReservationStatus, StockLine } from '@shop/contracts';

/** An order's hold on stock, as the reservations table stores it. */
export interface Reservation {
  orderId: string;
  /** One line per product (duplicates merged), as taken from stock. */
  lines: StockLine[];
  status: ReservationStatus;
  createdAt: string;
  committedAt?: string;
  releasedAt?: string;
}

/** A product line that a reservation could not take. */
export interface Shortage {
  productId: string;
  requested: number;
  /** Stock at the time, when the product is listed; absent for a product that is not. */
  inStock?: number;
}

/** A product's stock as checkout sees it; `listed` is false once it was soft-deleted. */
export interface ProductStock {
  productId: string;
  stock: number;
  listed: boolean;
}

/** The reservation of an order's lines, one line per product. */
export function newReservation(orderId: string, lines: readonly StockLine[], now: Date): Reservation {
  return { orderId, lines: mergeLines(lines), status: 'RESERVED', createdAt: now.toISOString() };
}

/**
 * One line per product, quantities of repeated products added up, in the order first named.
 * A transaction may touch an item once, and the stock check must see the whole demand.
 */
export function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/** What OutOfStock says: every product that could not be served, and why. */
export function describeShortages(shortages: readonly Shortage[]): string {
  const what = shortages.map((s) =>
    s.inStock === undefined ? `${s.productId} (not in the catalogue)` : `${s.productId} (requested ${s.requested}, ${s.inStock} in stock)`,
  );
  return `Out of stock: ${what.join('; ')}`;
}
