import type { ReservationStatus, StockLine } from '@shop/contracts';

/**
 * The stock ledger: what `stock` must add up to. `stock` is what is available to sell (not
 * reserved by an order awaiting payment, not sold), so for every product, at all times:
 *
 *     initialStock + Σ adjustments = stock + Σ reserved + Σ sold
 *
 * where reserved counts the lines of RESERVED reservations and sold those of COMMITTED ones
 * (RELEASED ones gave their stock back). Every write that changes stock keeps it: creation sets
 * both sides, a reservation moves units from stock to reserved, a commit from reserved to sold, a
 * release from reserved back to stock, an adjustment changes both sides by its delta, each in one
 * transaction.
 */
export interface LedgerProduct {
  productId: string;
  stock: number;
  /** The stock the product was created with; absent on items created before it was kept. */
  initialStock?: number;
}

export interface LedgerAdjustment {
  productId: string;
  delta: number;
}

export interface LedgerReservation {
  status: ReservationStatus;
  lines: readonly StockLine[];
}

export interface ProductLedger {
  productId: string;
  initialStock?: number;
  /** Σ adjustments' deltas. */
  adjusted: number;
  /** `stock`. */
  available: number;
  reserved: number;
  sold: number;
  /** initialStock + adjusted − (available + reserved + sold); 0 when it balances; absent without an initialStock. */
  difference?: number;
  /** What is wrong, in words; empty when the ledger balances. */
  problems: string[];
}

/** Each product's ledger, in the order given. Adjustments and lines of products not given are left out. */
export function stockLedgers(input: {
  products: readonly LedgerProduct[];
  adjustments: readonly LedgerAdjustment[];
  reservations: readonly LedgerReservation[];
}): ProductLedger[] {
  const adjusted = new Map<string, number>();
  for (const { productId, delta } of input.adjustments) adjusted.set(productId, (adjusted.get(productId) ?? 0) + delta);
  const held = { RESERVED: new Map<string, number>(), COMMITTED: new Map<string, number>() };
  for (const { status, lines } of input.reservations) {
    if (status === 'RELEASED') continue;
    for (const { productId, quantity } of lines) held[status].set(productId, (held[status].get(productId) ?? 0) + quantity);
  }
  return input.products.map((product) =>
    productLedger({
      productId: product.productId,
      ...(product.initialStock === undefined ? {} : { initialStock: product.initialStock }),
      adjusted: adjusted.get(product.productId) ?? 0,
      available: product.stock,
      reserved: held.RESERVED.get(product.productId) ?? 0,
      sold: held.COMMITTED.get(product.productId) ?? 0,
    }),
  );
}

function productLedger(figures: Omit<ProductLedger, 'difference' | 'problems'>): ProductLedger {
  const { initialStock, adjusted, available, reserved, sold } = figures;
  const problems: string[] = [];
  if (available < 0) problems.push(`stock is ${available}, below 0`);
  if (initialStock === undefined) {
    problems.push('no initial stock was kept, so the ledger cannot be checked');
    return { ...figures, problems };
  }
  const difference = initialStock + adjusted - (available + reserved + sold);
  if (difference !== 0) {
    problems.push(
      `initial ${initialStock} + adjusted ${adjusted} = ${initialStock + adjusted}, but available ${available} + reserved ${reserved} + sold ${sold} = ${available + reserved + sold}`,
    );
  }
  return { ...figures, difference, problems };
}
