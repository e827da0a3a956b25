import type { TraceEntry } from '@shop/local-cloud';
import { describe, expect, it } from 'vitest';
import { describeInvocation, layersUsed, patternsSeen } from '../src/patterns';

const entry = (overrides: Partial<TraceEntry>): TraceEntry => ({
  at: '2026-12-01T10:00:00.000Z',
  functionName: 'shop-local-order-service-create-order',
  service: 'order-service',
  function: 'create-order',
  requestId: 'r-1',
  pattern: 'api-gateway',
  via: 'POST /orders',
  ok: true,
  coldStart: false,
  durationMs: 42,
  layers: ['common-utils', 'auth-layer'],
  correlationIds: ['c-1'],
  traceId: '1-6b14a580-0123456789abcdef01234567',
  id: '53995c3f42cd8ad8',
  ...overrides,
});

describe('the walkthrough', () => {
  it('says what carried a message, to which function and how it went', () => {
    expect(describeInvocation(entry({ coldStart: true }))).toMatch(/^API Gateway proxy\s+POST \/orders\s+→ order-service\/create-order\s+\(ok, cold start, 42 ms\)$/);
    expect(describeInvocation(entry({ pattern: 'sns', ok: false, error: 'MessageRejected: no' }))).toMatch(/^SNS topic .*\(failed: MessageRejected: no, 42 ms\)$/);
  });

  it('ticks off each of the seven patterns the invocations used, the layers among them', () => {
    const seen = patternsSeen([entry({}), entry({ pattern: 'sns' }), entry({ pattern: 'step-functions' })]);
    expect(seen.filter((p) => p.seen).map((p) => p.name)).toEqual([
      'API Gateway proxy',
      'pub/sub: EventBridge and SNS',
      'orchestration: Step Functions',
      'shared Lambda layers',
    ]);
    expect(patternsSeen([entry({ layers: [] })]).find((p) => p.name === 'shared Lambda layers')?.seen).toBe(false);
  });

  it('counts the functions that loaded each layer', () => {
    expect(layersUsed([entry({}), entry({ functionName: 'x', layers: ['common-utils'] }), entry({})])).toEqual([
      { layer: 'auth-layer', functions: 1 },
      { layer: 'common-utils', functions: 2 },
    ]);
  });
});
