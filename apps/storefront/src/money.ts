import type { Money } from '@shop/api-client';

const formats = new Map<string, Intl.NumberFormat>();

/**
 * `{amount: 1250, currency: 'USD'}` → `$12.50`: an amount in the currency's minor unit in, the
 * shopper's notation out. Any ISO 4217 currency (`¥500`), since an order shows money a provider took
 * in whatever currency it took it.
 */
export function formatMoney(money: Money | { amount: number; currency: string }, locale = 'en-US'): string {
  const key = `${locale}/${money.currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    formats.set(key, format);
  }
  return format.format(money.amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** A price typed by a person (`12.5`, `12.50`, `1,299.00`) in cents, or undefined when it is not one. */
export function parsePrice(text: string): number | undefined {
  const cleaned = text.trim().replace(/,/g, '');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(cleaned)) return undefined;
  const [units = '0', cents = ''] = cleaned.split('.');
  return Number(units) * 100 + Number(cents.padEnd(2, '0'));
}
