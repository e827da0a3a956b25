import { describe, expect, it } from 'vitest';
import { UsageMeter, usageBetween } from '../src/usage/usage-meter';

describe('the usage meter', () => {
  it('bills each invocation rounded up to the millisecond, at the memory its manifest gives it, and counts its log bytes', () => {
    const meter = new UsageMeter((name) => (name === 'fn-a' ? 256 : undefined));
    meter.invocation('fn-a', 10.2);
    meter.invocation('fn-a', 0.3);
    meter.logLine('fn-a', '{"message":"é"}');
    meter.invocation('fn-b', 5);
    const { lambda } = meter.snapshot();
    expect(lambda['fn-a']).toEqual({ invocations: 2, billedMs: 12, memoryMb: 256, logBytes: 17 });
    expect(lambda['fn-b']).toEqual({ invocations: 1, billedMs: 5, memoryMb: 128, logBytes: 0 });
  });

  it('adds up capacity units per table, and reads the counts of the parts that keep their own', () => {
    const meter = new UsageMeter();
    meter.dynamodb('orders', { write: 2 });
    meter.dynamodb('orders', { read: 0.5 });
    meter.sqsSend();
    meter.apiRequest();
    meter.attach({ snsPublished: () => ({ topic: 3, sms: 1 }), eventsAccepted: () => 7, stateTransitions: () => 12 });
    const snapshot = meter.snapshot();
    expect(snapshot.dynamodb).toEqual({ orders: { requests: 2, readUnits: 0.5, writeUnits: 2 } });
    expect([snapshot.sqs.sendRequests, snapshot.apiRequests, snapshot.sns, snapshot.eventBridge.events, snapshot.stepFunctions.transitions]).toEqual([
      1,
      1,
      { topicPublishes: 3, sms: 1 },
      7,
      12,
    ]);
  });

  it('tells what happened between two snapshots, leaving out what did not move', () => {
    const meter = new UsageMeter();
    meter.invocation('idle', 1);
    meter.dynamodb('quiet', { read: 1 });
    const before = meter.snapshot();
    meter.invocation('busy', 40);
    meter.dynamodb('orders', { write: 1 });
    meter.apiRequest();
    const between = usageBetween(before, meter.snapshot());
    expect(Object.keys(between.lambda)).toEqual(['busy']);
    expect(between.dynamodb).toEqual({ orders: { requests: 1, readUnits: 0, writeUnits: 1 } });
    expect(between.apiRequests).toBe(1);
  });
});
