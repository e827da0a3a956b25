import { StockAdjustment, StockAdjustmentRequest } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { adjustmentRequestHash, newAdjustmentKey, newStockAdjustment, toStockAdjustment } from '../../src/domain/stock-adjustment';
import { trailCursor } from '../../src/domain/trail-cursor';
import { ADMIN_ID, CUP, MUG } from '../fixtures';

const now = new Date('2025-03-04T05:06:07.089Z');
const adjustmentId = '0f000000-0000-4000-8000-000000000001';
const request = { productId: MUG, userId: ADMIN_ID, idempotencyKey: 'restock-0001', delta: 5, reason: 'delivery 4711' };

describe('stock adjustments', () => {
  it('records who changed the stock, by how much, when and why, under a time-ordered, unique sort key', () => {
    const record = newStockAdjustment(request, { adjustmentId, now });
    expect(record).toEqual({
      productId: MUG,
      adjustmentKey: `2025-03-04T05:06:07.089Z#${adjustmentId}`,
      adjustmentId,
      delta: 5,
      reason: 'delivery 4711',
      by: ADMIN_ID,
      at: '2025-03-04T05:06:07.089Z',
    });
    expect(StockAdjustment.parse(toStockAdjustment(record))).toEqual(toStockAdjustment(record));
    expect(toStockAdjustment(record)).not.toHaveProperty('adjustmentKey');
  });

  it('keeps the key per user, for 24 hours, with the adjustment it made', () => {
    const record = newStockAdjustment(request, { adjustmentId, now });
    expect(newAdjustmentKey(request, record, now)).toEqual({
      key: `${ADMIN_ID}#restock-0001`,
      requestHash: adjustmentRequestHash(request),
      productId: MUG,
      adjustmentKey: record.adjustmentKey,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + 86_400,
    });
  });

  it('tells requests apart by product, delta and reason', () => {
    const hash = adjustmentRequestHash(request);
    expect(adjustmentRequestHash({ ...request })).toBe(hash);
    expect(adjustmentRequestHash({ ...request, productId: CUP })).not.toBe(hash);
    expect(adjustmentRequestHash({ ...request, delta: -5 })).not.toBe(hash);
    expect(adjustmentRequestHash({ ...request, reason: 'delivery 4712' })).not.toBe(hash);
  });

  it.each([
    ['a delta of 0', { delta: 0, reason: 'x' }, 'delta'],
    ['a fractional delta', { delta: 1.5, reason: 'x' }, 'delta'],
    ['a delta over a million', { delta: 1_000_001, reason: 'x' }, 'delta'],
    ['a delta under minus a million', { delta: -1_000_001, reason: 'x' }, 'delta'],
    ['a blank reason', { delta: 1, reason: '   ' }, 'reason'],
    ['a reason over 200 characters', { delta: 1, reason: 'r'.repeat(201) }, 'reason'],
    ['no reason', { delta: 1 }, 'reason'],
  ])('refuses %s', (_, body, field) => {
    const parsed = StockAdjustmentRequest.safeParse(body);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('takes the bounds themselves and trims the reason', () => {
    expect(StockAdjustmentRequest.parse({ delta: -1_000_000, reason: ' lost ' })).toEqual({ delta: -1_000_000, reason: 'lost' });
    expect(StockAdjustmentRequest.safeParse({ delta: 1_000_000, reason: 'r'.repeat(200) }).success).toBe(true);
  });
});

describe('trail cursors', () => {
  const key = { productId: MUG, adjustmentKey: `2025-03-04T05:06:07.089Z#${adjustmentId}` };

  it('round-trips the key where a page stopped', () => {
    expect(trailCursor.decode(trailCursor.encode(key), { productId: MUG })).toEqual(key);
  });

  it("refuses another product's cursor, a tampered one, and one with extra attributes", () => {
    expect(trailCursor.decode(trailCursor.encode(key), { productId: CUP })).toBeUndefined();
    expect(trailCursor.decode(trailCursor.encode({ ...key, adjustmentKey: 'x' }), { productId: MUG })).toBeUndefined();
    expect(trailCursor.decode(Buffer.from(JSON.stringify({ ...key, extra: 1 })).toString('base64url'), { productId: MUG })).toBeUndefined();
    expect(trailCursor.decode('not a cursor', { productId: MUG })).toBeUndefined();
  });
});
