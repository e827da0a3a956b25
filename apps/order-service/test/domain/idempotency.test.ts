import { describe, expect, it } from 'vitest';
import { IdempotencyKeyReusedError } from '../../src/domain/errors';
import { IDEMPOTENCY_TTL_SECONDS, idempotencyRecordKey, newIdempotencyRecord, orderIdFor } from '../../src/domain/idempotency';
import { ANN_ID, ORDER_ID } from '../fixtures';

describe('idempotency keys', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');
  const record = newIdempotencyRecord({ userId: ANN_ID, idempotencyKey: 'checkout-0001', requestHash: 'h1', orderId: ORDER_ID, now });

  it('are kept per user, for 24 hours', () => {
    expect(record).toEqual({
      key: `${ANN_ID}#checkout-0001`,
      requestHash: 'h1',
      orderId: ORDER_ID,
      createdAt: '2025-03-01T10:00:00.000Z',
      expiresAt: Math.floor(now.getTime() / 1000) + 24 * 3600,
    });
    expect(IDEMPOTENCY_TTL_SECONDS).toBe(86_400);
    expect(idempotencyRecordKey('u1', 'k')).not.toBe(idempotencyRecordKey('u2', 'k'));
  });

  it('continue the first order when the body is the same', () => {
    expect(orderIdFor(record, 'h1')).toBe(ORDER_ID);
  });

  it('refuse another body with 422', () => {
    expect(() => orderIdFor(record, 'h2')).toThrow(IdempotencyKeyReusedError);
    expect(new IdempotencyKeyReusedError()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
