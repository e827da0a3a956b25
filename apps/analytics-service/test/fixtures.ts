import { createEvent, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, OrderRefunded } from '@shop/events';

export const MUG = '0b9f1a8e-2c3d-4e5f-8a7b-6c5d4e3f2a1b';
export const PLATE = '1c8e2b9f-3d4e-4f50-9b8c-7d6e5f4a3b2c';
export const orderId = (n: number) => `6f1c3f0e-7d0a-4f0e-9b1a-${String(n).padStart(12, '0')}`;
export const eventId = (n: number) => `e0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const line = (productId: string, name: string, quantity: number, unit: number) => ({
  productId,
  name,
  quantity,
  unitPrice: { amount: unit, currency: 'USD' as const },
  lineTotal: { amount: unit * quantity, currency: 'USD' as const },
});

const contents = (n: number) => ({
  orderId: orderId(n),
  userId: `user-${n}`,
  items: [line(MUG, 'Enamel mug', 2, 1250), line(PLATE, 'Stoneware plate', 1, 800)],
  total: { amount: 3300, currency: 'USD' as const },
});

const at = (time: string, n: number, offset: number) => ({ correlationId: `corr-${n}`, time: new Date(time), id: eventId(n * 10 + offset) });

/** The events of order `n`, at `time` (UTC). */
export const orderEvents = (n: number, time = '2026-12-01T10:00:00.000Z') => ({
  created: createEvent(OrderCreated, contents(n), at(time, n, 1)),
  paid: createEvent(OrderPaid, contents(n), at(time, n, 2)),
  cancelled: createEvent(OrderCancelled, { orderId: orderId(n), userId: `user-${n}`, previousStatus: 'AWAITING_PAYMENT', reason: 'out of stock' }, at(time, n, 3)),
  paymentFailed: createEvent(OrderPaymentFailed, { orderId: orderId(n), userId: `user-${n}`, reason: 'card_declined' }, at(time, n, 4)),
  refunded: createEvent(
    OrderRefunded,
    { orderId: orderId(n), userId: `user-${n}`, chargeId: `ch_${n}`, amount: { amount: 3300, currency: 'USD' }, reason: 'order cancelled' },
    at(time, n, 5),
  ),
});

/** The EventBridge event the order-events rule hands analytics-writer. */
export function busEvent(envelope: { type: string; source: string }): { version: string; id: string; 'detail-type': string; source: string; account: string; time: string; region: string; resources: string[]; detail: unknown } {
  return {
    version: '0',
    id: 'eb-1',
    'detail-type': envelope.type,
    source: envelope.source,
    account: '000000000000',
    time: '2026-12-01T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: envelope,
  };
}
