import fs from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logLevelFromEnvironment, REDACTED_PATHS } from '../src';

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
  it('stamps each line with its level as a label and an ISO 8601 UTC time', () => {
    const { log, lines } = capture();
    log.warn('low stock');
    const line = JSON.parse(lines[0] ?? '') as { level: unknown; time: string };
    expect(line.level).toBe('warn');
    expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(line.time) - Date.now())).toBeLessThan(60_000);
  });

  it('drops lines below its level, and a child starts at the level of its parent', () => {
    const { log, lines } = capture();
    log.debug('not shown at info');
    log.level = 'warn';
    const child = log.child({ correlationId: 'c-1' });
    child.info('not shown at warn');
    child.error({ orderId: 'o-1' }, 'shown');
    log.level = 'silent';
    log.fatal('not shown when silent');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['shown']);
    expect(() => {
      log.level = 'loud' as never;
    }).toThrow(RangeError);
  });

  it('makes children from their parent, so that a spy on the root logger sees the children of children', () => {
    const { log } = capture();
    const child = vi.spyOn(log, 'child');
    log.child({ correlationId: 'c-1' }).child({ orderId: 'o-1' });
    expect(child).toHaveBeenCalledWith({ correlationId: 'c-1' });
    expect(child).toHaveBeenCalledWith({ orderId: 'o-1' });
  });

  it('keeps a child at its own level when its parent changes level later', () => {
    const { log, lines } = capture();
    const child = log.child({ correlationId: 'c-1' });
    log.level = 'error';
    child.info('still at info');
    log.info('not at error');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['still at info']);
  });

  it('writes the level from the environment, and info when it says nothing', () => {
    const lines: string[] = [];
    const destination = { write: (line: string) => void lines.push(line) };
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'ERROR');
    vi.stubEnv('LOG_LEVEL', 'debug');
    createLogger({ destination }).warn('not at ERROR');
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', '');
    createLogger({ destination }).debug('at debug');
    vi.stubEnv('LOG_LEVEL', '');
    createLogger({ destination }).debug('not at the default');
    createLogger({ destination }).info('at the default');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['at debug', 'at the default']);
  });

  it('writes one line per event, with the ids a child was given on each of its lines', () => {
    const { log, lines } = capture();
    const invocation = log.child({ awsRequestId: 'r-1', coldStart: true, correlationId: 'c-1' });
    invocation.child({ orderId: 'o-1' }).info({ step: 'reserve' }, 'multi\nline message');
    invocation.info('second');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ awsRequestId: 'r-1', coldStart: true, correlationId: 'c-1', orderId: 'o-1', step: 'reserve', message: 'multi\nline message' });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ awsRequestId: 'r-1', correlationId: 'c-1', message: 'second' });
    expect(JSON.parse(lines[1] ?? '')).not.toHaveProperty('orderId');
  });

  it('redacts every path of REDACTED_PATHS, in the fields and in the bindings, and leaves the caller its values', () => {
    const { log, lines } = capture();
    const secret = (path: string) => `secret-of-${path}`;
    const fields: Record<string, unknown> = {};
    for (const path of REDACTED_PATHS) {
      // `*` stands for any key: put the secret under a key of our own.
      const keys = path.split('.').map((key) => (key === '*' ? 'body' : key));
      const last = keys.pop() ?? '';
      let node = fields;
      for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
      node[last] = secret(path);
    }
    log.info(fields, 'every secret at once');
    log.child({ token: 'bound-token', request: { headers: { cookie: 'bound-cookie' } } }).info('from the bindings');
    const written = lines.join('');
    for (const path of REDACTED_PATHS) expect(written).not.toContain(secret(path));
    expect(written).not.toContain('bound-token');
    expect(written).not.toContain('bound-cookie');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ password: '[redacted]', body: { password: '[redacted]' }, headers: { authorization: '[redacted]', cookie: '[redacted]' } });
    expect(fields['password']).toBe(secret('password'));
  });

  it('leaves alone what is not on a redacted path, however like a secret its key looks', () => {
    const { log, lines } = capture();
    log.info({ order: { orderId: 'o-1', tokenCount: 2 }, headers: { 'content-type': 'application/json' } }, 'nothing secret');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ order: { orderId: 'o-1', tokenCount: 2 }, headers: { 'content-type': 'application/json' } });
  });

  it('writes an error as its type, message and stack, with its own fields and its cause', () => {
    const { log, lines } = capture();
    const cause = new Error('socket hang up');
    const error = Object.assign(new TypeError('charge failed', { cause }), { code: 'E_CHARGE', token: 'tok-secret' });
    log.error({ err: error }, 'payment failed');
    const line = JSON.parse(lines[0] ?? '') as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'TypeError', message: 'charge failed', code: 'E_CHARGE', token: '[redacted]', cause: { type: 'Error', message: 'socket hang up' } });
    expect(line.err['stack']).toContain('charge failed');
  });

  it('writes a line even when its fields hold a cycle or a bigint', () => {
    const { log, lines } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop['self'] = loop;
    log.info({ loop, amount: 10n }, 'odd fields');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ loop: { name: 'loop', self: '[Circular]' }, amount: '10', message: 'odd fields' });
  });

  it('goes through process.stdout.write when something has replaced it, as tests do to capture', () => {
    const captured: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      captured.push(String(chunk));
      return true;
    });
    const direct = vi.spyOn(fs, 'writeSync');
    createLogger({ level: 'info' }).info({ orderId: 'o-1' }, 'captured');
    expect(captured).toHaveLength(1);
    expect(JSON.parse(captured[0] ?? '')).toMatchObject({ message: 'captured', orderId: 'o-1' });
    expect(direct).not.toHaveBeenCalled();
  });

  it('writes all of a long line when the pipe takes it in parts, or not at all for a moment', () => {
    const chunks: string[] = [];
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation((_fd, data, offset) => {
      calls++;
      if (calls === 2) throw Object.assign(new Error('try again'), { code: 'EAGAIN' });
      const rest = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array).subarray(Number(offset ?? 0));
      const taken = rest.subarray(0, 1000);
      chunks.push(taken.toString());
      return taken.length;
    });
    createLogger({ level: 'info' }).info({ padding: 'x'.repeat(2500) }, 'long');
    const line = chunks.join('');
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ message: 'long', padding: 'x'.repeat(2500) });
  });
});
