import { describe, expect, it } from 'vitest';
import { type Driven, judge } from '../src/invariants';
import { type ObservedCharge, type ObservedOrder, type Observation, sinceBaseline } from '../src/observe';
import type { StockLedgerReport } from '../src/stock-ledger';

const usd = (amount: number) => ({ amount, currency: 'USD' });

function order(orderId: string, status: string, total: number, payment?: { charged: number; refunded: number }, reason?: string): ObservedOrder {
  return {
    orderId,
    status,
    ...(reason ? { reason } : {}),
    total: usd(total),
    ...(payment ? { payment: { status: 'x', charged: usd(payment.charged), refunded: usd(payment.refunded) } as unknown as ObservedOrder['payment'] } : {}),
  };
}

function charge(orderId: string, amount: number, refunded = 0): ObservedCharge {
  return {
    id: `ch_${orderId}`,
    orderId,
    amount,
    currency: 'USD',
    status: 'succeeded',
    refunds: refunded ? [{ id: `re_${orderId}`, amount: refunded, status: 'succeeded' }] : [],
    webhooks: [],
  };
}

/** A soak that ended well: one order paid, one cancelled while paying and refunded, one declined. */
function quietShop(): Observation {
  return {
    orders: new Map([
      ['o-paid', order('o-paid', 'PAID', 1500, { charged: 1500, refunded: 0 })],
      ['o-cancelled', order('o-cancelled', 'CANCELLED', 900, { charged: 900, refunded: 900 }, 'cancelled by customer')],
      ['o-declined', order('o-declined', 'PAYMENT_FAILED', 400, undefined, 'payment declined')],
    ]),
    executions: new Map([
      ['o-paid', { status: 'SUCCEEDED' }],
      ['o-cancelled', { status: 'SUCCEEDED' }],
      ['o-declined', { status: 'SUCCEEDED' }],
    ]),
    charges: [charge('o-paid', 1500), charge('o-cancelled', 900, 900), { ...charge('o-declined', 400), id: 'ch_declined', status: 'declined' }],
    refundsPending: 0,
    webhooksUndelivered: 0,
    events: new Map([['OrderPaid', new Map([['o-paid', 1]])]]),
    paidMessages: new Map([['o-paid', 1]]),
    queues: new Map([
      ['shop-local-payment-service-payment-events', 0],
      ['shop-local-payment-service-payment-events-dlq', 0],
    ]),
    faultsFired: {},
  };
}

const balanced: StockLedgerReport = {
  products: [{ productId: 'p1', initialStock: 10, adjusted: 0, available: 8, reserved: 0, sold: 2, difference: 0 }],
  violations: [],
};
const DRIVEN: Driven = {
  orders: [
    { orderId: 'o-paid', kind: 'approve' },
    { orderId: 'o-cancelled', kind: 'pay-then-cancel' },
    { orderId: 'o-declined', kind: 'decline' },
  ],
  unplaced: [],
};

const violations = (observation: Observation, stock = balanced, driven = DRIVEN) =>
  judge(observation, stock, new Set(), driven).invariants.flatMap((i) => i.violations);

describe('the soak judges the shop by its invariants', () => {
  it('finds nothing wrong with a shop whose money, stock, events and queues add up, and says what it checked', () => {
    const { invariants, incidents } = judge(quietShop(), balanced, new Set(), DRIVEN);
    expect(invariants.map((i) => [i.checked, i.violations])).toEqual([
      [3, []],
      [3, []],
      [1, []],
      [3, []],
      [3, []],
      [2, []],
      [3, []],
      [4, []],
    ]);
    expect(incidents.size).toBe(0);
  });

  it('reports an order that failed payment while the provider still holds its charge (the 200-order soak found six)', () => {
    const shop = quietShop();
    shop.charges.push(charge('o-declined', 400));
    expect(violations(shop)).toEqual([
      'o-declined: PAYMENT_FAILED, total 400, but the provider holds 400 for it (charged 400, refunded 0)',
      'o-declined: the order says charged 0 and refunded 0, the provider 400 and 0',
    ]);
  });

  it('reports a paid order that the provider holds nothing for', () => {
    const shop = quietShop();
    shop.charges = shop.charges.filter((c) => c.orderId !== 'o-paid');
    expect(violations(shop)).toContain('o-paid: PAID, total 1500, but the provider holds 0 for it (charged 0, refunded 0)');
  });

  it('reports an order that is not final and has no incident', () => {
    const shop = quietShop();
    shop.orders.set('o-declined', order('o-declined', 'AWAITING_PAYMENT', 400));
    shop.executions.set('o-declined', { status: 'RUNNING' });
    expect(violations(shop)).toEqual(['o-declined: still AWAITING_PAYMENT (execution RUNNING)', 'declined: planned by 1 order(s), shown by none']);
  });

  it('reports an order whose checkout ended in an operator state, naming the incident: no fault of the soak is meant to need a person', () => {
    const shop = quietShop();
    shop.executions.set('o-declined', { status: 'FAILED', error: 'StockNotReleased' });
    const { invariants, incidents } = judge(shop, balanced, new Set(), DRIVEN);
    expect(invariants.flatMap((i) => i.violations)).toEqual(['o-declined: StockNotReleased (order PAYMENT_FAILED)']);
    expect(incidents).toEqual(new Map([['StockNotReleased', ['o-declined']]]));
  });

  it('reports a paid order that MarkPaid failed to mark (PaidButNotCompleted): charged, and left AWAITING_PAYMENT for a person', () => {
    // What a MarkPaid that failed for every paid order would leave, and what the soak once excused.
    const shop = quietShop();
    shop.orders.set('o-paid', order('o-paid', 'AWAITING_PAYMENT', 1500, { charged: 1500, refunded: 0 }));
    shop.executions.set('o-paid', { status: 'FAILED', error: 'PaidButNotCompleted' });
    shop.events.set('OrderPaid', new Map());
    shop.paidMessages.clear();
    expect(violations(shop)).toEqual([
      'o-paid: still AWAITING_PAYMENT (execution FAILED)',
      'o-paid: PaidButNotCompleted (order AWAITING_PAYMENT)',
      'o-paid: AWAITING_PAYMENT, total 1500, but the provider holds 1500 for it (charged 1500, refunded 0)',
      'paid: planned by 1 order(s), shown by none',
    ]);
  });

  it('reports an order whose refund kept failing (RefundFailed), though it is final', () => {
    const shop = quietShop();
    shop.orders.set('o-cancelled', order('o-cancelled', 'CANCELLED', 900, { charged: 900, refunded: 0 }, 'cancelled by customer'));
    shop.charges = [charge('o-paid', 1500), charge('o-cancelled', 900), ...shop.charges.filter((c) => c.status === 'declined')];
    shop.events.set('RefundFailed', new Map([['o-cancelled', 1]]));
    const { invariants, incidents } = judge(shop, balanced, new Set(), DRIVEN);
    expect(invariants.find((i) => i.name.startsWith('no order handed'))?.violations).toEqual(['o-cancelled: RefundFailed (order CANCELLED)']);
    expect(incidents).toEqual(new Map([['RefundFailed', ['o-cancelled']]]));
  });

  it('reports a second OrderPaid event and a "paid" e-mail for an order that was not paid', () => {
    const shop = quietShop();
    shop.events.get('OrderPaid')!.set('o-paid', 2);
    shop.paidMessages.set('o-cancelled', 1);
    expect(violations(shop)).toEqual(['o-paid: PAID, 2 OrderPaid event(s)', 'o-cancelled: not PAID, 1 "paid" e-mail(s)']);
  });

  it('reports messages left in a queue and in a dead-letter queue, telling them apart', () => {
    const shop = quietShop();
    shop.queues.set('shop-local-payment-service-payment-events', 1);
    shop.queues.set('shop-local-payment-service-payment-events-dlq', 8);
    expect(violations(shop)).toEqual([
      'shop-local-payment-service-payment-events: 1 message(s) still queued',
      'shop-local-payment-service-payment-events-dlq: 8 message(s) in a dead-letter queue',
    ]);
  });

  it('passes on what the stock ledger found', () => {
    const stock: StockLedgerReport = {
      products: balanced.products,
      violations: [{ productId: 'p1', problem: 'off by 1', ledger: balanced.products[0]! }],
    };
    expect(violations(quietShop(), stock)).toEqual(['p1: off by 1']);
  });
});

describe('the soak fails when it tested too little', () => {
  it('fails when more than 5 % of the checkouts got no order, naming why', () => {
    const refused = (n: number) => Array.from({ length: n }, (_, index) => ({ index, why: 'POST /orders answered 503, 503' }));
    // 3 orders placed and 37 refused: the checks of the orders would look at 3 of 40.
    expect(violations(quietShop(), balanced, { ...DRIVEN, unplaced: refused(37) })).toEqual([
      '37 of 40 got no order (at most 2): #0 POST /orders answered 503, 503; #1 POST /orders answered 503, 503; #2 POST /orders answered 503, 503; #3 POST /orders answered 503, 503; #4 POST /orders answered 503, 503; …',
    ]);
    // 38 placed and 2 refused is within 5 %.
    const placed = { orders: Array.from({ length: 38 }, (_, i) => DRIVEN.orders[i % 3]!), unplaced: refused(2) };
    expect(judge(quietShop(), balanced, new Set(), placed).invariants.find((i) => i.name.includes('got no order'))).toMatchObject({ checked: 40, violations: [] });
  });

  it('fails when every checkout was refused, though no order broke anything', () => {
    const nothing = { ...quietShop(), orders: new Map(), executions: new Map(), charges: [], events: new Map(), paidMessages: new Map() };
    expect(violations(nothing, balanced, { orders: [], unplaced: [{ index: 0, why: 'POST /orders answered 503' }] })).toEqual([
      '1 of 1 got no order (at most 0): #0 POST /orders answered 503',
    ]);
  });

  it('fails when the orders planned an outcome and none showed it: nothing paid, nothing declined', () => {
    const shop = quietShop();
    // Every order expired: final, and the money adds up, but the soak tested neither a payment nor a decline.
    shop.orders.set('o-paid', order('o-paid', 'PAYMENT_FAILED', 1500, undefined, 'payment window expired'));
    shop.orders.set('o-declined', order('o-declined', 'PAYMENT_FAILED', 400, undefined, 'payment window expired'));
    shop.charges = shop.charges.filter((c) => c.orderId === 'o-cancelled');
    shop.events.set('OrderPaid', new Map());
    shop.paidMessages.clear();
    expect(violations(shop)).toEqual(['paid: planned by 1 order(s), shown by none', 'declined: planned by 1 order(s), shown by none']);
  });

  it('tells a refund and a cancel by the customer from an order that merely ended', () => {
    const shop = quietShop();
    // Out of stock is CANCELLED too, and its charge never refunded: neither outcome was tested.
    shop.orders.set('o-cancelled', order('o-cancelled', 'CANCELLED', 900, undefined, 'out of stock'));
    shop.charges = shop.charges.filter((c) => c.orderId !== 'o-cancelled');
    expect(violations(shop)).toEqual(['cancelled: planned by 1 order(s), shown by none', 'refunded: planned by 1 order(s), shown by none']);
  });

  it('asks for no outcome that no order planned', () => {
    const shop = quietShop();
    shop.orders.delete('o-paid');
    shop.charges = shop.charges.filter((c) => c.orderId !== 'o-paid');
    shop.events.set('OrderPaid', new Map());
    shop.paidMessages.clear();
    const driven = { ...DRIVEN, orders: DRIVEN.orders.filter((o) => o.orderId !== 'o-paid') };
    expect(judge(shop, balanced, new Set(), driven).invariants.flatMap((i) => i.violations)).toEqual([]);
  });
});

describe('the queues the soak judges', () => {
  it('counts only what came to a queue after the soak began: earlier dead letters are not its own', () => {
    const baseline = new Map([
      ['shop-local-notification-service-failed-notifications', 3],
      ['shop-local-payment-service-payment-events-dlq', 0],
      ['shop-local-order-service-orders', 2],
    ]);
    const now = new Map([
      ['shop-local-notification-service-failed-notifications', 3],
      ['shop-local-payment-service-payment-events-dlq', 1],
      ['shop-local-order-service-orders', 0],
      ['shop-local-new-queue', 4],
    ]);
    expect(sinceBaseline(now, baseline)).toEqual(
      new Map([
        ['shop-local-notification-service-failed-notifications', 0],
        ['shop-local-payment-service-payment-events-dlq', 1],
        ['shop-local-order-service-orders', 0],
        ['shop-local-new-queue', 4],
      ]),
    );
  });
});
