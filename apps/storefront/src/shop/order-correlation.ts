const KEY = 'shop.order-correlation';

/**
 * The correlation id each order of this tab was placed and paid under, so that the live view can
 * ask the local cloud's trace for it. sessionStorage: it matters for this visit only.
 */
export function rememberCorrelationId(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, orderId: string, correlationId: string): void {
  const all = read(storage);
  all[orderId] = correlationId;
  storage?.setItem(KEY, JSON.stringify(all));
}

export function correlationIdOf(storage: Pick<Storage, 'getItem'> | undefined, orderId: string): string | undefined {
  return read(storage)[orderId];
}

function read(storage: Pick<Storage, 'getItem'> | undefined): Record<string, string> {
  try {
    const value = JSON.parse(storage?.getItem(KEY) ?? '{}') as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}
