import type { EventPublisher } from '@shop/aws';
import { createLogger, Metrics } from '@shop/common';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { busIncidents } from '../../src/adapters/incidents';

const ORDER_ID = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
const log = createLogger({ destination: new Writable({ write: (_chunk, _enc, done) => done() }) });

function setUp(bus: EventPublisher['publish']) {
  const lines: string[] = [];
  const metrics = new Metrics({ write: (line) => lines.push(line), dimensions: { service: 'payment-service', stage: 'dev' } });
  const published: string[] = [];
  const incidents = busIncidents(
    {
      publish: async (events) => {
        published.push(...events.map((e) => e.type));
        return bus(events);
      },
    },
    metrics,
  );
  return { incidents, published, metrics: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const accepted: EventPublisher['publish'] = async (events) => ({ published: events.map((e) => e.id), failed: [] });
const refused: EventPublisher['publish'] = async (events) => ({ published: [], failed: events.map((e) => ({ id: e.id, reason: 'ThrottlingException' })) });

describe('operator incidents', () => {
  it('raises RefundFailed as an event and as the metric infra alarms on (namespace Shop, service and stage)', async () => {
    const { incidents, published, metrics } = setUp(accepted);
    await incidents.refundFailed({ orderId: ORDER_ID, chargeId: 'ch_1', amount: { amount: 990, currency: 'USD' }, attempts: 3, reason: 'expired_or_canceled_card' }, 'corr-1', log);
    expect(published).toEqual(['RefundFailed']);
    expect(metrics()).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({ CloudWatchMetrics: [{ Namespace: 'Shop', Dimensions: [['service', 'stage']], Metrics: [{ Name: 'RefundFailed', Unit: 'Count' }] }] }),
        service: 'payment-service',
        stage: 'dev',
        RefundFailed: 1,
      }),
    ]);
  });

  it('raises PaymentMismatch the same way', async () => {
    const { incidents, published, metrics } = setUp(accepted);
    await incidents.paymentMismatch(
      { orderId: ORDER_ID, providerEventId: 'evt_1', chargeId: 'ch_2', problems: ['amount'], received: { amount: 1, currency: 'USD' } },
      'corr-1',
      log,
    );
    expect(published).toEqual(['PaymentMismatch']);
    expect(metrics()).toMatchObject([{ PaymentMismatch: 1 }]);
  });

  it('writes the metric even when the bus refuses the event, so the alarm still fires (and the failure is thrown for a retry)', async () => {
    const { incidents, metrics } = setUp(refused);
    await expect(
      incidents.refundFailed({ orderId: ORDER_ID, chargeId: 'ch_1', amount: { amount: 990, currency: 'USD' }, attempts: 3, reason: 'x' }, 'corr-1', log),
    ).rejects.toThrow(/not published: ThrottlingException/);
    expect(metrics()).toMatchObject([{ RefundFailed: 1 }]);
  });
});
