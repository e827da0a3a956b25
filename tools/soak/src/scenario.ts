import { TEST_PAYMENT_METHODS } from '@shop/contracts';

/**
 * What the soak asks of the shop: a mix of checkouts as customers make them (and as they go wrong),
 * with staff adjusting stock in between. Drawn from a seeded generator, so a run that found a
 * problem can be run again exactly.
 */

/** How one checkout goes, from the customer's side. */
export type CheckoutKind =
  /** Pays with a card that is approved. */
  | 'approve'
  /** Pays with a card that is declined. */
  | 'decline'
  /** The provider fails once; the charge is retried and approved. */
  | 'error-then-approve'
  /** Pays; the provider never confirms; the payment window expires. */
  | 'no-answer'
  /** As no-answer, and the provider's confirmation comes after the order expired: refunded. */
  | 'late-confirmation'
  /** Cancels before paying, then tries to pay anyway (refused). */
  | 'cancel-then-pay'
  /** Pays, then cancels while the charge is in flight; the confirmation comes after: refunded. */
  | 'pay-then-cancel'
  /** Pays and cancels at once, racing: either paid or refunded, never both or neither. */
  | 'race-cancel'
  /** Races a cancel with a card whose first refund fails: the refund is retried. */
  | 'refund-fails-once';

export const CHECKOUT_KIND_WEIGHTS: Readonly<Record<CheckoutKind, number>> = {
  approve: 30,
  decline: 12,
  'error-then-approve': 10,
  'no-answer': 5,
  'late-confirmation': 6,
  'cancel-then-pay': 7,
  'pay-then-cancel': 10,
  'race-cancel': 12,
  'refund-fails-once': 8,
};

/** What a soak must see happen to some order, when its scenario plans it. */
export type Outcome = 'paid' | 'declined' | 'refunded' | 'cancelled';

/**
 * The outcomes a checkout of each kind ends in when it gets its stock (`race-cancel` and
 * `refund-fails-once` may end either way, `no-answer` only expires). A soak whose orders plan one
 * and show none has not tested it, however clean its other checks.
 */
export const OUTCOMES_OF: Readonly<Record<CheckoutKind, readonly Outcome[]>> = {
  approve: ['paid'],
  decline: ['declined'],
  'error-then-approve': ['paid'],
  'no-answer': [],
  'late-confirmation': ['refunded'],
  'cancel-then-pay': ['cancelled'],
  'pay-then-cancel': ['cancelled', 'refunded'],
  'race-cancel': [],
  'refund-fails-once': [],
};

export const PAYMENT_METHOD_OF: Readonly<Record<CheckoutKind, string>> = {
  approve: TEST_PAYMENT_METHODS.approve,
  decline: TEST_PAYMENT_METHODS.decline,
  'error-then-approve': TEST_PAYMENT_METHODS.errorThenApprove,
  'no-answer': TEST_PAYMENT_METHODS.noAnswer,
  'late-confirmation': TEST_PAYMENT_METHODS.noAnswer,
  'cancel-then-pay': TEST_PAYMENT_METHODS.approve,
  'pay-then-cancel': TEST_PAYMENT_METHODS.noAnswer,
  'race-cancel': TEST_PAYMENT_METHODS.approve,
  'refund-fails-once': TEST_PAYMENT_METHODS.refundFailsOnce,
};

export interface CheckoutPlan {
  index: number;
  kind: CheckoutKind;
  /** Lines by the index of a product of the soak. */
  lines: { product: number; quantity: number }[];
  /** POST /orders is sent twice at once with the same Idempotency-Key. */
  repeatOrder: boolean;
  /** POST /payment/process is sent twice at once. */
  repeatPayment: boolean;
}

export interface AdjustmentPlan {
  /** After which checkout it is made. */
  after: number;
  product: number;
  delta: number;
  /** Sent twice with the same Idempotency-Key. */
  repeat: boolean;
}

export interface Scenario {
  seed: number;
  products: { stock: number; price: number }[];
  checkouts: CheckoutPlan[];
  adjustments: AdjustmentPlan[];
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `orders` checkouts over a few products whose stock does not cover them all (so some sell out),
 * every kind in its proportion, and a staff adjustment about every fifth checkout.
 */
export function makeScenario(orders: number, seed: number): Scenario {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const productCount = Math.max(3, Math.ceil(orders / 25));
  // About 1.5 units a line and 1.3 lines an order: stock for about 85 % of the demand.
  const stockEach = Math.max(4, Math.round((orders * 1.5 * 1.3 * 0.85) / productCount));
  const products = Array.from({ length: productCount }, (_, i) => ({ stock: stockEach, price: 500 + 250 * (i % 7) }));

  const kinds = Object.entries(CHECKOUT_KIND_WEIGHTS) as [CheckoutKind, number][];
  const total = kinds.reduce((sum, [, weight]) => sum + weight, 0);
  const kindOf = (): CheckoutKind => {
    let roll = random() * total;
    for (const [kind, weight] of kinds) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'approve';
  };

  const checkouts = Array.from({ length: orders }, (_, index): CheckoutPlan => {
    const first = Math.floor(random() * productCount);
    const lines = [{ product: first, quantity: 1 + Math.floor(random() * 2) }];
    if (random() < 0.3) lines.push({ product: (first + 1 + Math.floor(random() * (productCount - 1))) % productCount, quantity: 1 });
    return { index, kind: kindOf(), lines, repeatOrder: random() < 0.15, repeatPayment: random() < 0.1 };
  });
  const adjustments = Array.from({ length: Math.ceil(orders / 5) }, (_, i): AdjustmentPlan => ({
    after: Math.min(orders - 1, i * 5 + Math.floor(random() * 5)),
    product: Math.floor(random() * productCount),
    delta: pick([-3, -2, -1, 1, 2, 3, 5]),
    repeat: random() < 0.2,
  }));
  return { seed, products, checkouts, adjustments };
}
