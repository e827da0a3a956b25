import { describe, expect, it } from 'vitest';
import { afterFailedRefund, MAX_REFUND_ATTEMPTS, planRefund, type RefundRecord, refundIdempotencyKey, refundRetryDelaySeconds } from '../../src/domain/refund-record';

const record = (overrides: Partial<RefundRecord> = {}): RefundRecord => ({
  chargeId: 'ch_1',
  orderId: '0d2c5a0e-6b1f-4c8e-9a7d-3e2f1b0c9d8e',
  amount: { amount: 3300, currency: 'USD' },
  reason: 'order cancelled',
  attempt: 1,
  status: 'REQUESTED',
  createdAt: 'x',
  updatedAt: 'x',
  ...overrides,
});

describe('a refund, attempt by attempt', () => {
  it('asks the provider only for the attempt the record is at, while it is REQUESTED', () => {
    expect(planRefund(record(), { attempt: 1 })).toBe('ask');
    expect(planRefund(record({ status: 'PENDING' }), { attempt: 1 })).toBe('done');
    expect(planRefund(record({ status: 'FAILED' }), { attempt: 1 })).toBe('done');
    expect(planRefund(record({ attempt: 2 }), { attempt: 1 })).toBe('done');
  });

  it('never asks again for a refund that succeeded, whatever the attempt', () => {
    for (const attempt of [1, 2, 3]) expect(planRefund(record({ status: 'SUCCEEDED' }), { attempt })).toBe('done');
  });

  it('waits with the next attempt until the failure of the last one is recorded', () => {
    expect(planRefund(record({ status: 'PENDING' }), { attempt: 2 })).toBe('wait');
  });

  it('gives each attempt its own idempotency key, the same every time it is asked', () => {
    expect(refundIdempotencyKey('ch_1', 1)).toBe('refund-ch_1-1');
    expect(refundIdempotencyKey('ch_1', 2)).not.toBe(refundIdempotencyKey('ch_1', 1));
  });

  it(`retries a failed refund with growing delays, ${MAX_REFUND_ATTEMPTS} attempts in all, then gives up`, () => {
    expect(afterFailedRefund(1)).toEqual({ retry: true, attempt: 2, delaySeconds: 5 });
    expect(afterFailedRefund(2)).toEqual({ retry: true, attempt: 3, delaySeconds: 30 });
    expect(afterFailedRefund(MAX_REFUND_ATTEMPTS)).toEqual({ retry: false });
    expect(refundRetryDelaySeconds(10)).toBe(900);
  });
});
