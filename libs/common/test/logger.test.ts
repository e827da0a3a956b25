import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logLevelFromEnvironment } from '../src';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ destination, level: 'info' }), lines };
}

describe('logger', () => {
  it('writes one JSON line with level and message', () => {
    const { log, lines } = capture();
    log.info({ orderId: 'o-1' }, 'order placed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'info', message: 'order placed', orderId: 'o-1' });
  });

  it('never writes passwords, tokens or authorization headers', () => {
    const { log, lines } = capture();
    log.info(
      {
        password: 'hunter2',
        body: { password: 'hunter2', token: 'eyJ.secret' },
        headers: { authorization: 'Bearer eyJ.secret', cookie: 'session=abc' },
        refreshToken: 'refresh-secret',
      },
      'careless',
    );
    const line = lines.join('');
    for (const secret of ['hunter2', 'eyJ.secret', 'session=abc', 'refresh-secret']) expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });

  it('names the service, the function and its version on every line', () => {
    vi.stubEnv('SERVICE_NAME', 'order-service');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'shop-dev-order-service-create-order');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_VERSION', '12');
    const { log, lines } = capture();
    log.child({ correlationId: 'c-1' }).info('hello');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ service: 'order-service', function: 'shop-dev-order-service-create-order', version: '12', correlationId: 'c-1' });
  });

  it("takes the level Lambda's logging controls set over the function's own, and ignores what it does not know", () => {
    expect(logLevelFromEnvironment({ AWS_LAMBDA_LOG_LEVEL: 'WARN', LOG_LEVEL: 'debug' })).toBe('warn');
    expect(logLevelFromEnvironment({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFromEnvironment({ AWS_LAMBDA_LOG_LEVEL: 'LOUD' })).toBe('info');
    expect(logLevelFromEnvironment({})).toBe('info');
  });

  it('writes each line to stdout before the call returns, so none is lost when Lambda freezes the sandbox', () => {
    const write = vi.spyOn(fs, 'writeSync').mockImplementation((_fd, data) => String(data).length);
    const log = createLogger({ level: 'info' });
    log.info({ orderId: 'o-1' }, 'last words');
    const toStdout = write.mock.calls.filter(([fd]) => fd === 1).map(([, data]) => String(data));
    expect(toStdout.some((line) => line.includes('last words'))).toBe(true);
  });
});
