import { describe, expect, it } from 'vitest';
import graph from '../src/generated/architecture-graph.json';
import { type Invocation, litBy, patternsSeen, stateMachinePath } from '../src/live/trace';

const call = (service: string, fn: string, pattern: Invocation['pattern'], via: string, layers = ['common-utils']): Invocation => ({
  at: '',
  service,
  function: fn,
  requestId: `${service}/${fn}/${via}`,
  pattern,
  via,
  ok: true,
  coldStart: false,
  durationMs: 1,
  layers,
});

const checkout = [
  call('order-service', 'create-order', 'api-gateway', 'POST /orders'),
  call('cart-service', 'read-cart', 'sync-invoke', 'InvocationType: RequestResponse'),
  call('analytics-service', 'stream-processor', 'async-invoke', 'InvocationType: Event'),
  call('order-service', 'validate-order', 'step-functions', 'ValidateOrder'),
  call('inventory-service', 'reserve-stock', 'step-functions', 'ReserveStock'),
  call('order-events', 'publish-order-events', 'dynamodb-stream', 'orders'),
  call('analytics-service', 'analytics-writer', 'eventbridge', 'shop.orders OrderCreated'),
  call('notification-service', 'send-notification', 'sns', 'notifications'),
  call('order-service', 'update-order-status', 'sqs', 'payment-events'),
  call('payment-service', 'payment-webhook', 'api-gateway', 'POST /payment/webhook'),
];

const edge = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to)?.id;

describe('the live view of a trace', () => {
  it('lights the line each invocation came by, and the queues, bus and topic between', () => {
    const { edges, nodes } = litBy(graph, checkout);
    expect(edges.has(edge('api', 'fn_order_service__create_order')!)).toBe(true);
    expect(edges.has(edge('fn_order_service__create_order', 'fn_cart_service__read_cart')!)).toBe(true);
    expect(edges.has(edge('fn_order_service__create_order', 'fn_analytics_service__stream_processor')!)).toBe(true);
    expect(edges.has(edge('fn_payment_service__payment_webhook', 'q_payment_service__payment_events')!)).toBe(true);
    expect(edges.has(edge('fn_order_events__publish_order_events', 'bus')!)).toBe(true);
    expect(edges.has(edge('bus', 'topic_notification_service__notifications')!)).toBe(true);
    expect(edges.has(edge('client', 'api')!)).toBe(true);
    // Not taken: a caller that never ran, a dead-letter queue.
    expect(edges.has(edge('fn_cart_service__get_cart', 'fn_product_service__get_products')!)).toBe(false);
    expect(nodes.has('layer_common_utils')).toBe(true);
    expect(nodes.has('layer_auth_layer')).toBe(false);
  });

  it('counts the seven patterns, layers included, and reads the state machine path', () => {
    expect(patternsSeen(checkout).every((p) => p.seen)).toBe(true);
    expect(patternsSeen(checkout.slice(0, 1)).filter((p) => p.seen).map((p) => p.name)).toEqual(['API Gateway proxy', 'Shared Lambda layers']);
    expect(stateMachinePath(checkout)).toEqual(['ValidateOrder', 'ReserveStock']);
  });
});
