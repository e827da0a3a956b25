import * as z from 'zod/mini';

/** ISO 4217 codes the shop sells in. Amounts are always integer minor units (cents). */
export const Currency = z.enum(['USD', 'EUR', 'GBP']);
export type Currency = z.infer<typeof Currency>;

/** The most a single price may be: $1,000,000.00. Keeps totals far below Number.MAX_SAFE_INTEGER. */
export const MAX_AMOUNT_CENTS = 100_000_000;

export const Money = z.strictObject({
  amount: z.int().check(z.minimum(0), z.maximum(MAX_AMOUNT_CENTS)),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

/**
 * An amount as a payment provider reports it: any ISO 4217 code, not only those the shop sells in.
 * Refunds carry it, since a charge that did not match the order (another currency, say) is given
 * back all the same.
 */
export const ProviderMoney = z.strictObject({
  amount: z.int().check(z.minimum(0)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like USD')),
});
export type ProviderMoney = z.infer<typeof ProviderMoney>;

/**
 * A sum in one of the shop's currencies with no upper bound: what several charges of an order took
 * or gave back. A charge that did not match its order may be of any amount.
 */
export const MoneySum = z.strictObject({
  amount: z.int().check(z.minimum(0)),
  currency: Currency,
});
export type MoneySum = z.infer<typeof MoneySum>;

export function money(amount: number, currency: Currency = 'USD'): Money {
  return Money.parse({ amount, currency });
}

/** Whether two amounts are the same: the same minor units of the same currency. */
export function sameMoney(a: ProviderMoney, b: ProviderMoney): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/** Multiplies a unit price by a quantity, staying in integer cents. */
export function multiply(price: Money, quantity: number): Money {
  if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError(`quantity must be a non-negative integer, got ${quantity}`);
  return { amount: price.amount * quantity, currency: price.currency };
}

/** Sums amounts of one currency; mixing currencies is a programming error. */
export function sum(amounts: readonly Money[], currency: Currency = 'USD'): Money {
  let total = 0;
  for (const m of amounts) {
    if (m.currency !== currency) throw new RangeError(`cannot add ${m.currency} to ${currency}`);
    total += m.amount;
  }
  return { amount: total, currency };
}

/**
 * An amount in the currency's minor unit as a person reads it: `$12.50`, `€8.00`, `¥500`. Any ISO
 * 4217 currency, since a refund gives back what the provider took, in whatever currency it took it.
 */
export function formatMoney(money: ProviderMoney): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency });
  return format.format(money.amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}
