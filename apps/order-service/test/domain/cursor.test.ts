import { describe, expect, it } from 'vitest';
import { type ByUserKey, ordersCursor } from '../../src/domain/cursor';
import { ANN_ID, BOB_ID, ORDER_ID } from '../fixtures';

const key: ByUserKey = { orderId: ORDER_ID, userId: ANN_ID, createdAt: '2025-03-01T10:00:00.000Z' };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('order page cursor', () => {
  it('round-trips a page key through an opaque url-safe string', () => {
    const cursor = ordersCursor.encode(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(ordersCursor.decode(cursor, { userId: ANN_ID })).toEqual(key);
  });

  it("refuses another user's cursor", () => {
    expect(ordersCursor.decode(ordersCursor.encode(key), { userId: BOB_ID })).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['characters outside base64url', 'abc+/def'],
    ['a non-canonical spelling', `${ordersCursor.encode(key)}A`],
    ['base64url that is not JSON', Buffer.from('not json').toString('base64url')],
    ['an object with an extra key', encode({ ...key, status: 'PAID' })],
    ['an object missing a key', encode({ orderId: key.orderId, userId: key.userId })],
    ['an order id that is not an id', encode({ ...key, orderId: 'x' })],
    ['a createdAt that is not a timestamp', encode({ ...key, createdAt: 'yesterday' })],
    ['a createdAt with 1,400 digits of seconds, longer than DynamoDB takes as a key', encode({ ...key, createdAt: `2025-03-01T10:00:00.${'0'.repeat(1400)}Z` })],
  ])('rejects %s', (_, cursor) => {
    expect(ordersCursor.decode(cursor, { userId: ANN_ID })).toBeUndefined();
  });
});
