import { describe, expect, it } from 'vitest';
import { currentTrace, currentTraceHeader, formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader, runInTrace } from '../src/trace-context';

describe('the X-Ray trace context', () => {
  it('makes ids in X-Ray’s format, the root stamped with the time in seconds', () => {
    expect(newTraceId(Date.parse('2026-12-06T00:00:00Z'))).toMatch(/^1-6b14a580-[0-9a-f]{24}$/);
    expect(newSegmentId()).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId()).not.toBe(newTraceId());
  });

  it('reads the header Lambda and the SDK send, and refuses what is not a trace', () => {
    const header = formatTraceHeader('1-69338200-0123456789abcdef01234567', '53995c3f42cd8ad8');
    expect(header).toBe('Root=1-69338200-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1');
    expect(parseTraceHeader(header)).toEqual({ traceId: '1-69338200-0123456789abcdef01234567', parentId: '53995c3f42cd8ad8' });
    expect(parseTraceHeader('Root=1-69338200-0123456789abcdef01234567')).toEqual({ traceId: '1-69338200-0123456789abcdef01234567' });
    expect(parseTraceHeader('Root=1-69338200-0123456789abcdef01234567;Parent=nothex')).toEqual({ traceId: '1-69338200-0123456789abcdef01234567' });
    expect(parseTraceHeader('Root=abc;Parent=53995c3f42cd8ad8')).toBeUndefined();
    expect(parseTraceHeader(undefined)).toBeUndefined();
    expect(parseTraceHeader('')).toBeUndefined();
  });

  it('follows the work a traced call started, across awaits and timers, and none outside it', async () => {
    const parent = { traceId: '1-69338200-0123456789abcdef01234567', parentId: '53995c3f42cd8ad8' };
    const seen = await runInTrace(parent, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentTraceHeader();
    });
    expect(seen).toBe('Root=1-69338200-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1');
    expect(currentTrace()).toBeUndefined();
    expect(runInTrace(parent, () => runInTrace(null, () => currentTrace()))).toBeUndefined();
  });
});
