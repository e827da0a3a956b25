import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src';

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
});
