import type { OrderPayment } from '@shop/contracts';
import { createEvent, OrderCancelled, OrderCreated, OrderPaid, OrderPaymentFailed, OrderRefunded } from '@shop/events';
import type { SNSEvent } from 'aws-lambda';
import type { OrderEvent } from '../src/domain/order-event';

export const ORDER_ID = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
export const USER_ID = 'user-ann';
export const MUG = '0b9f1a8e-2c3d-4e5f-8a7b-6c5d4e3f2a1b';
/** A customer who verified her e-mail address and her phone. */
export const ANN = { userId: USER_ID, email: 'ann@example.com', emailVerified: true, name: 'Ann', phone: '+14155550123', phoneVerified: true };

const contents = {
  orderId: ORDER_ID,
  userId: USER_ID,
  items: [{ productId: MUG, name: 'Enamel mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' as const }, lineTotal: { amount: 2500, currency: 'USD' as const } }],
  total: { amount: 2500, currency: 'USD' as const },
};
const context = { correlationId: 'corr-1', time: new Date('2026-12-01T10:00:00.000Z') };

export const events = {
  created: (): OrderEvent => createEvent(OrderCreated, contents, { ...context, id: '11111111-1111-4111-8111-111111111111' }),
  paid: (): OrderEvent => createEvent(OrderPaid, contents, { ...context, id: '22222222-2222-4222-8222-222222222222' }),
  cancelled: (payment?: OrderPayment): OrderEvent =>
    createEvent(
      OrderCancelled,
      { orderId: ORDER_ID, userId: USER_ID, previousStatus: 'AWAITING_PAYMENT', reason: 'cancelled by customer', ...(payment && { payment }) },
      { ...context, id: '33333333-3333-4333-8333-333333333333' },
    ),
  paymentFailed: (payment?: OrderPayment, reason = 'card_declined'): OrderEvent =>
    createEvent(OrderPaymentFailed, { orderId: ORDER_ID, userId: USER_ID, reason, ...(payment && { payment }) }, { ...context, id: '44444444-4444-4444-8444-444444444444' }),
  refunded: (): OrderEvent =>
    createEvent(
      OrderRefunded,
      { orderId: ORDER_ID, userId: USER_ID, chargeId: 'ch_1', amount: { amount: 2500, currency: 'USD' }, reason: 'order cancelled' },
      { ...context, id: '55555555-5555-4555-8555-555555555555' },
    ),
};

/** The order's money as order-service records it: `charged` and `refunded` in USD cents. */
export function payment(status: OrderPayment['status'], charged = 2500, refunded = 0): OrderPayment {
  return { status, charged: { amount: charged, currency: 'USD' }, refunded: { amount: refunded, currency: 'USD' } };
}

/** What SNS hands the subscribed function when an EventBridge rule published the event to the topic. */
export function snsEvent(envelope: unknown): SNSEvent {
  const eventBridgeEvent = {
    version: '0',
    id: 'eb-1',
    'detail-type': (envelope as { type?: string }).type ?? 'Unknown',
    source: 'shop.orders',
    account: '000000000000',
    time: '2026-12-01T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: envelope,
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:shop-test-notification-service-notifications:sub-1',
        Sns: {
          Type: 'Notification',
          MessageId: 'sns-1',
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:shop-test-notification-service-notifications',
          Subject: '',
          Message: JSON.stringify(eventBridgeEvent),
          Timestamp: '2026-12-01T10:00:00.000Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}
