import { describe, expect, it } from 'vitest';
import { DeliveryTrace, formatWaterfall, originOfEvent, type TraceEntry, waterfall } from '../src/trace';

const describeFn = (name: string) => (name === 'shop-local-order-service-create-order' ? { service: 'order-service', function: 'create-order', layers: ['common-utils'] } : undefined);
const invocation = (requestId: string, at: string) => ({
  at,
  functionName: 'shop-local-order-service-create-order',
  requestId,
  pattern: 'api-gateway' as const,
  via: 'POST /orders',
  ok: true,
  coldStart: false,
  durationMs: 5,
  traceId: '1-6752a000-0123456789abcdef01234567',
  id: requestId.padEnd(16, '0').slice(0, 16),
});

describe('the delivery trace', () => {
  it('ties invocations to the correlation ids their JSON log lines carry, whether the line comes before or after the record', () => {
    const trace = new DeliveryTrace(describeFn);
    trace.noteLog({ functionName: 'f', requestId: 'r-1', stream: 'stdout', line: '{"level":"info","correlationId":"order-1"}' });
    trace.record(invocation('r-1', '2026-12-01T10:00:00.000Z'));
    trace.record(invocation('r-2', '2026-12-01T10:00:01.000Z'));
    trace.noteLog({ functionName: 'f', requestId: 'r-2', stream: 'stdout', line: '{"correlationId":"order-1"}' });
    trace.noteLog({ functionName: 'f', requestId: 'r-2', stream: 'stdout', line: 'not json, with correlationId in it' });

    expect(trace.list({ correlationId: 'order-1' }).map((e) => e.requestId)).toEqual(['r-1', 'r-2']);
    expect(trace.list({ correlationId: 'other' })).toEqual([]);
    expect(trace.list()[0]).toMatchObject({ service: 'order-service', function: 'create-order', layers: ['common-utils'], correlationIds: ['order-1'] });
  });

  it('lists invocations in the order they started, a caller before the callee that finished first', () => {
    const trace = new DeliveryTrace(describeFn);
    trace.record(invocation('callee', '2026-12-01T10:00:00.500Z'));
    trace.record(invocation('caller', '2026-12-01T10:00:00.100Z'));
    expect(trace.list().map((e) => e.requestId)).toEqual(['caller', 'callee']);
  });

  it('keeps the last invocations only', () => {
    const trace = new DeliveryTrace(describeFn, 2);
    for (const n of [1, 2, 3]) trace.record(invocation(`r-${n}`, `2026-12-01T10:00:0${n}.000Z`));
    expect(trace.list().map((e) => e.requestId)).toEqual(['r-2', 'r-3']);
  });

  it('tells from its shape what carried an event', () => {
    expect(originOfEvent({ Records: [{ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:shop-local-payment-events' }] })).toEqual({ pattern: 'sqs', via: 'shop-local-payment-events' });
    expect(originOfEvent({ Records: [{ eventSource: 'aws:dynamodb', eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/shop-local-orders/stream/2026' }] })).toEqual({ pattern: 'dynamodb-stream', via: 'shop-local-orders' });
    expect(originOfEvent({ Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:news' } }] })).toEqual({ pattern: 'sns', via: 'news' });
    expect(originOfEvent({ 'detail-type': 'OrderPaid', source: 'shop.orders', detail: {} })).toEqual({ pattern: 'eventbridge', via: 'shop.orders OrderPaid' });
    expect(originOfEvent({ requestContext: { http: { method: 'GET' }, routeKey: 'GET /cart' } })).toEqual({ pattern: 'api-gateway', via: 'GET /cart' });
    expect(originOfEvent({ orderId: 'o-1' })).toBeUndefined();
  });

  it('draws one order as a waterfall: each invocation under the one that called it, roots for what nothing in the set called', () => {
    const entry = (id: string, at: string, durationMs: number, parentId?: string, overrides: Partial<TraceEntry> = {}): TraceEntry => ({
      at,
      functionName: id,
      service: 'svc',
      function: id,
      requestId: id,
      pattern: 'sync-invoke',
      via: 'InvocationType: RequestResponse',
      ok: true,
      coldStart: false,
      durationMs,
      layers: [],
      correlationIds: ['order-1'],
      traceId: '1-6752a000-0123456789abcdef01234567',
      id,
      ...(parentId && { parentId }),
      ...overrides,
    });
    const rows = waterfall([
      entry('stream', '2026-12-01T10:00:00.300Z', 10, undefined, { pattern: 'dynamodb-stream', traceId: '1-6752a000-ffffffffffffffffffffffff' }),
      entry('child', '2026-12-01T10:00:00.050Z', 20, 'api'),
      entry('api', '2026-12-01T10:00:00.000Z', 100, 'outside', { pattern: 'api-gateway', coldStart: true }),
      entry('grandchild', '2026-12-01T10:00:00.060Z', 5, 'child', { ok: false, error: 'Error: no' }),
    ]);
    expect(rows.map((r) => [r.requestId, r.depth, r.offsetMs])).toEqual([
      ['api', 0, 0],
      ['child', 1, 50],
      ['grandchild', 2, 60],
      ['stream', 0, 300],
    ]);
    const text = formatWaterfall(rows).split('\n');
    expect(text).toHaveLength(4);
    expect(text[0]).toMatch(/^ +0 ms \|█+ +\| +100 ms {2}svc\/api .*api-gateway.*cold$/);
    expect(text[2]).toContain('    svc/grandchild');
    expect(text[2]).toMatch(/ERROR Error: no$/);
  });
});
