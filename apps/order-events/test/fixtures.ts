import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

export const ORDER_ID = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
export const USER_ID = 'user-1';
export const MUG = '0b9f1a8e-2c3d-4e5f-8a7b-6c5d4e3f2a1b';

/** An order item as order-service writes it, internal attributes included. */
export function orderItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: ORDER_ID,
    userId: USER_ID,
    cartId: '9a9a9a9a-1111-4111-8111-111111111111',
    status: 'PENDING',
    items: [{ productId: MUG, name: 'Mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' }, lineTotal: { amount: 2500, currency: 'USD' } }],
    total: { amount: 2500, currency: 'USD' },
    // Each order its own flow, as the shop gives it one (its first request's correlation id).
    correlationId: overrides['orderId'] && overrides['orderId'] !== ORDER_ID ? `corr-${String(overrides['orderId'])}` : 'corr-1',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

let sequence = 100;

/** A record of the orders stream, as Lambda hands it over (DynamoDB JSON images). */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { oldImage?: Record<string, unknown>; newImage?: Record<string, unknown> },
): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/shop-test-order-service-orders/stream/2026-12-01T00:00:00.000',
    dynamodb: {
      Keys: marshall({ orderId: (images.newImage ?? images.oldImage)?.['orderId'] ?? ORDER_ID }) as never,
      ...(images.oldImage && { OldImage: marshall(images.oldImage, { removeUndefinedValues: true }) as never }),
      ...(images.newImage && { NewImage: marshall(images.newImage, { removeUndefinedValues: true }) as never }),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** The status changes of one paid order's checkout, as the stream shows them. */
export function paidCheckout(orderId = ORDER_ID): DynamoDBRecord[] {
  const pending = orderItem({ orderId });
  const awaiting = { ...pending, status: 'AWAITING_PAYMENT', taskToken: 'token', updatedAt: '2026-12-01T10:00:01.000Z' };
  const paid = { ...awaiting, status: 'PAID', taskToken: undefined, updatedAt: '2026-12-01T10:00:05.000Z' };
  return [
    streamRecord('INSERT', { newImage: pending }),
    streamRecord('MODIFY', { oldImage: pending, newImage: awaiting }),
    streamRecord('MODIFY', { oldImage: awaiting, newImage: paid }),
  ];
}
