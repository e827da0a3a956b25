import type { EventPublisher } from '@shop/aws';
import { createLogger, Metrics } from '@shop/common';
import type { EventEnvelope } from '@shop/events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { busIncidents } from '../../src/adapters/incidents';

const ORDER_ID = '6f1c3f0e-7d0a-4f0e-9b1a-1d2c3b4a5f6e';
const log = createLogger({ destination: new Writable({ write: (_chunk, _enc, done) => done() }) });

function setUp(bus: EventPublisher['publish']) {
  const lines: string[] = [];
  const metrics = new Metrics({ write: (line) => lines.push(line), dimensions: { service: 'payment-service', stage: 'dev' } });
  const events: EventEnvelope[] = [];
  const incidents = busIncidents(
    {
      publish: async (batch) => {
        events.push(...batch);
        return bus(batch);
      },
    },
    metrics,
  );
  return {
    incidents,
    events,
    published: () => events.map((e) => e.type),
    ids: () => events.map((e) => e.id),
    metrics: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const spent = { orderId: ORDER_ID, chargeId: 'ch_1', amount: { amount: 990, currency: 'USD' }, attempts: 3, reason: 'expired_or_canceled_card' };
const mismatch = { orderId: ORDER_ID, providerEventId: 'evt_1', chargeId: 'ch_2', problems: ['amount'], received: { amount: 1, currency: 'USD' } };

const accepted: EventPublisher['publish'] = async (events) => ({ published: events.map((e) => e.id), failed: [] });
const refused: EventPublisher['publish'] = async (events) => ({ published: [], failed: events.map((e) => ({ id: e.id, reason: 'ThrottlingException' })) });

describe('operator incidents', () => {
  it('raises RefundFailed as an event and as the metric infra alarms on (namespace Shop, service and stage)', async () => {
    const { incidents, published, metrics } = setUp(accepted);
    await incidents.refundFailed(spent, { kind: 'attempts-spent' }, 'corr-1', log);
    expect(published()).toEqual(['RefundFailed']);
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
    await incidents.paymentMismatch(mismatch, 'corr-1', log);
    expect(published()).toEqual(['PaymentMismatch']);
    expect(metrics()).toMatchObject([{ PaymentMismatch: 1 }]);
  });

  it('writes the metric even when the bus refuses the event, so the alarm still fires (and the failure is thrown for a retry)', async () => {
    const { incidents, metrics } = setUp(refused);
    await expect(incidents.refundFailed({ ...spent, reason: 'x' }, { kind: 'attempts-spent' }, 'corr-1', log)).rejects.toThrow(/not published: ThrottlingException/);
    expect(metrics()).toMatchObject([{ RefundFailed: 1 }]);
  });
});

describe('operator incidents: named after their cause', () => {
  const unknownCharge = { providerEventId: 'evt_1', chargeId: 'ch_3', received: { amount: 990, currency: 'USD' } };
  const unknownRefund = { orderId: ORDER_ID, providerEventId: 'evt_1', chargeId: 'ch_1', refundId: 're_9', refunded: { amount: 990, currency: 'USD' } };
  type Raise = (incidents: ReturnType<typeof setUp>['incidents']) => Promise<void>;
  const raises: [string, Raise][] = [
    ['PaymentMismatch', (i) => i.paymentMismatch(mismatch, 'corr-1', log)],
    ['UnknownCharge', (i) => i.unknownCharge(unknownCharge, 'corr-1', log)],
    ['UnknownRefund', (i) => i.unknownRefund(unknownRefund, 'corr-1', log)],
    ['RefundFailed, the attempts spent', (i) => i.refundFailed(spent, { kind: 'attempts-spent' }, 'corr-1', log)],
    ['RefundFailed, a refund reversed', (i) => i.refundFailed(spent, { kind: 'reversed', refundId: 're_1' }, 'corr-1', log)],
    ['RefundFailed, a refund event unverified', (i) => i.refundFailed(spent, { kind: 'unverified', providerEventId: 'evt_1' }, 'corr-1', log)],
  ];

  it.each(raises)('%s raised twice for one cause at once (two invocations, one redelivered webhook) puts the same event id both times', async (_, raise) => {
    const first = setUp(accepted);
    const second = setUp(accepted);
    await Promise.all([raise(first.incidents), raise(second.incidents)]);
    expect(first.ids()).toHaveLength(1);
    expect(second.ids()).toEqual(first.ids());
    expect(first.ids()[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives every cause above an id of its own', async () => {
    const { incidents, ids } = setUp(accepted);
    for (const [, raise] of raises) await raise(incidents);
    expect(new Set(ids()).size).toBe(raises.length);
  });

  it('tells apart incidents of one kind with different causes', async () => {
    const { incidents, ids } = setUp(accepted);
    await incidents.paymentMismatch(mismatch, 'corr-1', log);
    await incidents.paymentMismatch({ ...mismatch, providerEventId: 'evt_2' }, 'corr-1', log);
    await incidents.unknownCharge(unknownCharge, 'corr-1', log);
    await incidents.unknownCharge({ ...unknownCharge, providerEventId: 'evt_2' }, 'corr-1', log);
    await incidents.unknownRefund(unknownRefund, 'corr-1', log);
    await incidents.unknownRefund({ ...unknownRefund, providerEventId: 'evt_2' }, 'corr-1', log);
    await incidents.refundFailed(spent, { kind: 'attempts-spent' }, 'corr-1', log);
    await incidents.refundFailed({ ...spent, chargeId: 'ch_2' }, { kind: 'attempts-spent' }, 'corr-1', log);
    // A charge refunded by hand after its attempts were spent, whose refund is then reversed: a new incident at the same attempt.
    await incidents.refundFailed(spent, { kind: 'reversed', refundId: 're_hand' }, 'corr-1', log);
    await incidents.refundFailed(spent, { kind: 'reversed', refundId: 're_hand_2' }, 'corr-1', log);
    await incidents.refundFailed(spent, { kind: 'unverified', providerEventId: 'evt_2' }, 'corr-1', log);
    await incidents.refundFailed(spent, { kind: 'unverified', providerEventId: 'evt_3' }, 'corr-1', log);
    expect(new Set(ids()).size).toBe(12);
  });

  it('names an incident by its cause alone, not by what it says: a second raise that words it differently is the same event', async () => {
    const { incidents, ids } = setUp(accepted);
    // The last attempt's refund.failed and its partial refund, delivered at once: one attempt spent.
    await incidents.refundFailed({ ...spent, reason: 'expired_or_canceled_card' }, { kind: 'attempts-spent' }, 'corr-1', log);
    await incidents.refundFailed({ ...spent, reason: 'partial refund: 500 of 990 USD given back' }, { kind: 'attempts-spent' }, 'corr-2', log);
    // The webhook that overtook process-payment finds no charge recorded yet; its redelivery finds the adopted one.
    await incidents.paymentMismatch(mismatch, 'corr-1', log);
    await incidents.paymentMismatch({ ...mismatch, expected: { amount: 990, currency: 'USD' } }, 'corr-1', log);
    expect(new Set(ids()).size).toBe(2);
  });

  it('counts each raise in the metric, also a second one for the same cause (the alarm, Sum > 0, reads it the same), and logs the event id with it', async () => {
    const lines: Record<string, unknown>[] = [];
    const logged = createLogger({ destination: { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }, level: 'error' });
    const { incidents, ids, metrics } = setUp(accepted);
    await incidents.unknownCharge(unknownCharge, 'corr-1', logged);
    await incidents.unknownCharge(unknownCharge, 'corr-1', logged);
    expect(metrics()).toMatchObject([{ UnknownCharge: 1 }, { UnknownCharge: 1 }]);
    expect(lines.filter((l) => l['incident'] === 'UnknownCharge').map((l) => l['eventId'])).toEqual(ids());
  });
});
