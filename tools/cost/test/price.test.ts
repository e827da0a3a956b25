import type { UsageSnapshot } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';
import { formatCost, priceUsage } from '../src/price';
import { PRICES } from '../src/prices';

/** Two orders' worth: every figure a round number, so that each line's price can be worked out by hand. */
const usage: UsageSnapshot = {
  at: '2026-12-05T00:00:00.000Z',
  lambda: {
    'create-order': { invocations: 2, billedMs: 2000, memoryMb: 512, logBytes: 440 },
    'get-order': { invocations: 2, billedMs: 1000, memoryMb: 1024, logBytes: 0 },
  },
  dynamodb: { orders: { requests: 6, readUnits: 4, writeUnits: 10 } },
  apiRequests: 10,
  sqs: { sendRequests: 2, batchesDelivered: 2 },
  sns: { topicPublishes: 0, sms: 0 },
  eventBridge: { events: 8 },
  stepFunctions: { transitions: 40 },
};

describe('the price of an order', () => {
  const report = priceUsage(usage, 2, { emails: 2 });
  const line = (what: string) => report.lines.find((l) => l.what === what);

  it('prices Lambda by requests and by GB-seconds of the memory each function has', () => {
    expect(line('requests')?.usdPerThousandOrders).toBeCloseTo(2 * 1000 * 0.2e-6, 10);
    // (2 s × 0.5 GB + 1 s × 1 GB) / 2 orders = 1 GB-s per order.
    expect(line('duration')).toMatchObject({ perOrder: 1, unit: 'GB-s' });
    expect(line('duration')?.usdPerThousandOrders).toBeCloseTo(1000 * PRICES.lambda.perGbSecond, 10);
  });

  it("counts the log the functions wrote and Lambda's own lines of each invocation", () => {
    expect(line('ingested')?.perOrder).toBe((440 + 4 * PRICES.lambda.platformLogBytesPerInvocation) / 2);
  });

  it('prices DynamoDB by request units, state transitions, API requests, queue requests and events', () => {
    expect(line('write request units')?.usdPerThousandOrders).toBeCloseTo(5 * 1000 * 0.625e-6, 10);
    expect(line('read request units')?.usdPerThousandOrders).toBeCloseTo(2 * 1000 * 0.125e-6, 10);
    expect(line('state transitions')?.usdPerThousandOrders).toBeCloseTo(20 * 1000 * 0.000025, 10);
    expect(line('HTTP API requests')?.perOrder).toBe(5);
    // A send, and each batch's receive and delete.
    expect(line('sends, receives and deletes')?.perOrder).toBe(3);
    expect(line('custom events')?.perOrder).toBe(4);
  });

  it('leaves out what was not used, and adds the rest up by service, the most expensive first', () => {
    expect(line('topic publishes')).toBeUndefined();
    expect(report.byService[0]?.[0]).toBe('Step Functions');
    expect(report.totalPerThousandOrders).toBeCloseTo(
      report.lines.reduce((sum, l) => sum + l.usdPerThousandOrders, 0),
      12,
    );
  });

  it('prints a table with the total and says what e-mail adds apart', () => {
    const text = formatCost(report);
    expect(text).toContain('| **total** (without e-mail and SMS) |');
    expect(text).toContain('E-mail apart: 1.00 per order, $0.1000 per 1,000 orders (SES).');
  });

  it('refuses to price no orders', () => {
    expect(() => priceUsage(usage, 0, { emails: 0 })).toThrow(RangeError);
  });
});
