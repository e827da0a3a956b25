import type { CheckAvailabilityResponse } from '@shop/contracts';

/**
 * The products that make an availability answer negative: no longer listed, or fewer in stock
 * than asked. Empty when everything is available.
 */
export function unavailableProducts(answer: CheckAvailabilityResponse): string[] {
  if (answer.available) return [];
  const short = answer.lines.filter((line) => !line.listed || line.inStock < line.requested).map((line) => line.productId);
  // Inventory said no without saying which: name every line rather than none.
  return short.length > 0 ? short : answer.lines.map((line) => line.productId);
}
