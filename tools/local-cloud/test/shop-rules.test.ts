import { createEvent, eventBridgeEntry, ORDER_EVENTS, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, OrderRefunded, RefundFailed, UserRegistered } from '@shop/events';
import { describe, expect, it } from 'vitest';
import { matchesPattern, patternProblems } from '../src/eventbridge/event-pattern';
import { loadManifests } from '@shop/platform';
import { eventRuleBindings } from '../src/wiring';

/** The shop's own EventBridge rules, from the manifests, against events of the catalog as they travel on the bus. */

const orderId = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
const contents = {
  orderId,
  userId: 'u-1',
  items: [{ productId: orderId, name: 'Mug', quantity: 1, unitPrice: { amount: 100, currency: 'USD' as const }, lineTotal: { amount: 100, currency: 'USD' as const } }],
  total: { amount: 100, currency: 'USD' as const },
};
const context = { correlationId: 'c-1' };
const onTheBus = (envelope: Parameters<typeof eventBridgeEntry>[0]) => {
  const entry = eventBridgeEntry(envelope, 'shop-local-events');
  return { version: '0', id: 'e', 'detail-type': entry.DetailType, source: entry.Source, account: '000000000000', time: '', region: 'us-east-1', resources: [], detail: JSON.parse(entry.Detail) };
};
const events = {
  OrderCreated: onTheBus(createEvent(OrderCreated, contents, context)),
  OrderPaid: onTheBus(createEvent(OrderPaid, contents, context)),
  OrderCancelled: onTheBus(createEvent(OrderCancelled, { orderId, userId: 'u-1', previousStatus: 'PENDING', reason: 'r' }, context)),
  OrderPaymentFailed: onTheBus(createEvent(OrderPaymentFailed, { orderId, userId: 'u-1', reason: 'r' }, context)),
  OrderRefunded: onTheBus(createEvent(OrderRefunded, { orderId, userId: 'u-1', chargeId: 'ch_1', amount: { amount: 100, currency: 'USD' }, reason: 'r' }, context)),
  RefundFailed: onTheBus(createEvent(RefundFailed, { orderId, chargeId: 'ch_1', amount: { amount: 100, currency: 'USD' }, attempts: 3, reason: 'r' }, context)),
  UserRegistered: onTheBus(createEvent(UserRegistered, { userId: 'u-1', email: 'a@b.c' }, context)),
};

describe("the shop's event rules", () => {
  it('are all patterns EventBridge accepts', async () => {
    const rules = eventRuleBindings('local', await loadManifests());
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(patternProblems(rule.pattern), rule.name).toEqual([]);
  });

  it.each([
    ['shop-local-analytics-service-order-events', ['OrderCreated', 'OrderPaid', 'OrderCancelled', 'OrderPaymentFailed', 'OrderRefunded']],
    ['shop-local-notification-service-order-lifecycle', ['OrderCreated', 'OrderPaid', 'OrderCancelled', 'OrderPaymentFailed', 'OrderRefunded']],
  ])('%s takes every order event and nothing else', async (name, wanted) => {
    const rule = eventRuleBindings('local', await loadManifests()).find((r) => r.name === name);
    expect(rule).toBeDefined();
    const matched = Object.entries(events).filter(([, event]) => matchesPattern(rule!.pattern, event)).map(([type]) => type);
    expect(matched).toEqual(wanted);
    expect(ORDER_EVENTS.map((d) => d.type)).toEqual(wanted);
  });

  it('analytics takes an order event the catalog does not know yet (its prefix rule), so that it reaches failed-events, not nowhere', async () => {
    const rule = eventRuleBindings('local', await loadManifests()).find((r) => r.name === 'shop-local-analytics-service-order-events');
    const shipped = { ...events.OrderPaid, 'detail-type': 'OrderShipped' };
    expect(matchesPattern(rule!.pattern, shipped)).toBe(true);
    expect(matchesPattern(rule!.pattern, { ...shipped, source: 'shop.users' })).toBe(false);
  });
});
