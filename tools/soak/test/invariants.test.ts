import { describe, expect, it } from 'vitest';
import { judge } from '../src/invariants';
import { type ObservedCharge, type ObservedOrder, type Observation, sinceBaseline } from '../src/observe';
import type { StockLedgerReport } from '../src/stock-ledger';

const usd = (amount: number) => ({ amount, currency: 'USD' });

function order(orderId: string, status: string, total: number, payment?: { charged: number; refunded: number }): ObservedOrder {
  return {
    orderId,
    status,
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

/** A soak that ended well: one order paid, one refunded after a cancel, one declined. */
function quietShop(): Observation {
  return {
    orders: new Map([
      ['o-paid', order('o-paid', 'PAID', 1500, { charged: 1500, refunded: 0 })],
      ['o-cancelled', order('o-cancelled', 'CANCELLED', 900, { charged: 900, refunded: 900 })],
      ['o-declined', order('o-declined', 'PAYMENT_FAILED', 400)],
    ]),
    executions: new Map([
      ['o-paid', { status: 'SUCCEEDED' }],
      ['o-cancelled', { status: 'SUCCEEDED' }],
      ['o-declined', { status: 'SUCCEEDED' }],
    ]),
    charges: [charge('o-paid', 1500), charge('o-cancelled', 900, 900)],
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
const ORDERS = ['o-paid', 'o-cancelled', 'o-declined'];

const violations = (observation: Observation, stock = balanced) =>
  judge(observation, stock, new Set(), ORDERS).invariants.flatMap((i) => i.violations);

describe('the soak judges the shop by its invariants', () => {
  it('finds nothing wrong with a shop whose money, stock, events and queues add up, and says what it checked', () => {
    const { invariants, operatorStates } = judge(quietShop(), balanced, new Set(), ORDERS);
    expect(invariants.map((i) => [i.checked, i.violations])).toEqual([
      [3, []],
      [1, []],
      [3, []],
      [3, []],
      [2, []],
    ]);
    expect(operatorStates.size).toBe(0);
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
    expect(violations(shop)).toEqual(['o-declined: still AWAITING_PAYMENT (execution RUNNING)']);
  });

  it('leaves an order to a person when its checkout ended in an operator state, and names the incident', () => {
    const shop = quietShop();
    shop.orders.set('o-declined', order('o-declined', 'AWAITING_PAYMENT', 400));
    shop.executions.set('o-declined', { status: 'FAILED', error: 'StockNotReleased' });
    const { invariants, operatorStates } = judge(shop, balanced, new Set(), ORDERS);
    expect(invariants.flatMap((i) => i.violations)).toEqual([]);
    expect(operatorStates).toEqual(new Map([['StockNotReleased', ['o-declined']]]));
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
