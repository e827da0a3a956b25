import * as z from 'zod/mini';
import { Id, IsoTimestamp } from './ids';
import { Money, MoneySum, ProviderMoney } from './money';

/** Where an order is in checkout. Moves only along the transitions that order-service allows. */
export const OrderStatus = z.enum(['PENDING', 'AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'PAYMENT_FAILED']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderLine = z.object({
  productId: Id,
  name: z.string(),
  quantity: z.int().check(z.minimum(1)),
  unitPrice: Money,
  lineTotal: Money,
});
export type OrderLine = z.infer<typeof OrderLine>;

/**
 * What happened to the customer's money for an order (docs/payments.md):
 * PROCESSING – a charge was submitted, its outcome not known yet;
 * CHARGED – the money was taken and pays the order;
 * DECLINED – the provider declined the charge; nothing was taken;
 * REFUND_PENDING – money was taken that pays nothing (the order was cancelled or expired first, or
 *   another charge paid it): it is being given back;
 * REFUNDED – every cent taken that did not pay the order was given back;
 * REFUND_FAILED – the refund kept failing: an operator incident is open, a person is on it.
 */
export const PaymentState = z.enum(['PROCESSING', 'CHARGED', 'DECLINED', 'REFUND_PENDING', 'REFUNDED', 'REFUND_FAILED']);
export type PaymentState = z.infer<typeof PaymentState>;

/** What was taken and given back in one currency. */
export const CurrencyPayment = z.object({ charged: ProviderMoney, refunded: ProviderMoney });
export type CurrencyPayment = z.infer<typeof CurrencyPayment>;

export const OrderPayment = z.object({
  status: PaymentState,
  /** Everything taken from the customer for this order, in the order's currency. */
  charged: MoneySum,
  /** Everything given back, in the order's currency. */
  refunded: MoneySum,
  /**
   * Money taken in other currencies than the order's, one entry per currency, by code: charges that
   * did not match the order, always given back. Absent when there is none. Amounts in different
   * currencies are never added up.
   */
  otherCurrencies: z.optional(z.array(CurrencyPayment)),
});
export type OrderPayment = z.infer<typeof OrderPayment>;

export const Order = z.object({
  orderId: Id,
  userId: z.string(),
  cartId: Id,
  status: OrderStatus,
  items: z.array(OrderLine).check(z.minLength(1)),
  total: Money,
  /** Why the order ended CANCELLED or PAYMENT_FAILED. */
  reason: z.optional(z.string()),
  /** When the reserved stock is released unless payment has arrived. */
  paymentDueAt: z.optional(IsoTimestamp),
  /** The money side of the order; absent until a payment was attempted. */
  payment: z.optional(OrderPayment),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type Order = z.infer<typeof Order>;


/**
 * `cartRevision` and `expectedTotal` are what the customer reviewed: the cart's `revision` and
 * `totals.subtotal` as `GET /cart` answered them on the page that places the order. When either is
 * given and the cart (another tab changed it) or its prices (the catalogue changed) differ now,
 * nothing is ordered: 409 CART_CHANGED. Without them the order is of the cart as it is.
 */
export const CreateOrderRequest = z.strictObject({
  cartId: Id,
  cartRevision: z.optional(
    z.int().check(z.minimum(0), z.describe('The cart revision the customer reviewed (`GET /cart`): a cart changed since is 409 CART_CHANGED, nothing ordered.')),
  ),
  expectedTotal: z.optional(
    MoneySum.check(
      z.describe('The total the customer was shown (`GET /cart` totals.subtotal): an order that would cost anything else is 409 CART_CHANGED, nothing ordered.'),
    ),
  ),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

export const CreateOrderResponse = z.object({ orderId: Id, status: OrderStatus });
export type CreateOrderResponse = z.infer<typeof CreateOrderResponse>;

export const OrderIdPath = z.strictObject({ orderId: Id });

export const OrderPage = z.object({ items: z.array(Order), nextCursor: z.nullable(z.string()) });
export type OrderPage = z.infer<typeof OrderPage>;

/** Input of the checkout state machine's execution. */
export const CheckoutInput = z.object({
  orderId: Id,
  userId: z.string(),
  correlationId: z.string(),
  paymentWindowSeconds: z.int().check(z.minimum(1)),
});
export type CheckoutInput = z.infer<typeof CheckoutInput>;

/*
 * Payloads of order-service's checkout tasks, as the checkout state machine
 * (apps/checkout-orchestrator/src/checkout.asl.json) builds them. `correlationId` travels
 * alongside and is taken out by `invokeHandler`.
 */

/** ValidateOrder: the order to check. */
export const ValidateOrderRequest = z.strictObject({ orderId: Id });
export type ValidateOrderRequest = z.infer<typeof ValidateOrderRequest>;

/** What ValidateOrder hands on to ReserveStock. */
export const ValidateOrderResponse = z.object({
  orderId: Id,
  lines: z.array(z.object({ productId: Id, quantity: z.int().check(z.minimum(1)) })).check(z.minLength(1)),
});
export type ValidateOrderResponse = z.infer<typeof ValidateOrderResponse>;

/** WaitForPayment (`.waitForTaskToken`): the token to resume the execution with, and the payment window. */
export const AwaitPaymentRequest = z.strictObject({
  orderId: Id,
  taskToken: z.string().check(z.minLength(1), z.maxLength(8192)),
  paymentWindowSeconds: z.int().check(z.minimum(1)),
});
export type AwaitPaymentRequest = z.infer<typeof AwaitPaymentRequest>;

/** How a checkout ends; MarkPaid sends PAID, Finalize the outcome of the failure path. */
export const CheckoutOutcome = z.enum(['PAID', 'CANCELLED', 'PAYMENT_FAILED']);
export type CheckoutOutcome = z.infer<typeof CheckoutOutcome>;

/** MarkPaid and Finalize: the status to end the order in, and why when it did not get paid. */
export const FinalizeOrderRequest = z.strictObject({
  orderId: Id,
  outcome: CheckoutOutcome,
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
});
export type FinalizeOrderRequest = z.infer<typeof FinalizeOrderRequest>;

/** What the update-order-status function hands the waiting WaitForPayment task on success. */
export const PaymentTaskOutput = z.object({ outcome: z.literal('SUCCEEDED') });
export type PaymentTaskOutput = z.infer<typeof PaymentTaskOutput>;

/**
 * One charge the provider took for an order, as the order keeps it (internal: never answered as
 * is). `pays`: the charge pays the order; otherwise it is money to give back, and `refund` says
 * how that goes. Every succeeded charge of an order is here, so every cent can be accounted for.
 */
export interface OrderCharge {
  amount: ProviderMoney;
  pays: boolean;
  refund?: { status: 'PENDING' | 'SUCCEEDED' | 'FAILED'; reason: string; requestedAt: string; decidedAt?: string };
  /** When the charge's success was recorded. */
  at: string;
}

/** What an order's item records about its payment, for `orderPayment`. */
export interface PaymentFacts {
  /** A charge was submitted (begin-payment claimed the order). */
  paymentAttempt?: unknown;
  /** The outcome of the charge that decided the order's payment. */
  paymentOutcome?: 'SUCCEEDED' | 'FAILED';
  charges?: Readonly<Record<string, OrderCharge>>;
  total: Money;
}

/**
 * The money side of an order, from what its item records (docs/payments.md): a refund that failed
 * or is under way says so first; then a charge that pays the order; then money taken and all given
 * back; then a declined charge; then a charge in flight. Absent when no payment was ever attempted.
 */
export function orderPayment(facts: PaymentFacts): OrderPayment | undefined {
  const charges = Object.values(facts.charges ?? {});
  if (charges.length === 0 && facts.paymentOutcome === undefined && facts.paymentAttempt === undefined) return undefined;
  const byCurrency = new Map<string, { charged: number; refunded: number }>();
  for (const { amount, refund } of charges) {
    const sums = byCurrency.get(amount.currency) ?? { charged: 0, refunded: 0 };
    sums.charged += amount.amount;
    if (refund?.status === 'SUCCEEDED') sums.refunded += amount.amount;
    byCurrency.set(amount.currency, sums);
  }
  const currency = facts.total.currency;
  const own = byCurrency.get(currency) ?? { charged: 0, refunded: 0 };
  const otherCurrencies = [...byCurrency]
    .filter(([code]) => code !== currency)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, sums]) => ({ charged: { amount: sums.charged, currency: code }, refunded: { amount: sums.refunded, currency: code } }));
  const status = ((): PaymentState => {
    if (charges.some((c) => c.refund?.status === 'FAILED')) return 'REFUND_FAILED';
    if (charges.some((c) => c.refund?.status === 'PENDING')) return 'REFUND_PENDING';
    if (charges.some((c) => c.pays)) return 'CHARGED';
    if (charges.length > 0) return 'REFUNDED';
    if (facts.paymentOutcome === 'FAILED') return 'DECLINED';
    return 'PROCESSING';
  })();
  return {
    status,
    charged: { amount: own.charged, currency },
    refunded: { amount: own.refunded, currency },
    ...(otherCurrencies.length > 0 ? { otherCurrencies } : {}),
  };
}
