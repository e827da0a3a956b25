import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceManifest } from '@shop/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { functionProblem, LogCollector, parseInvokeArgs, readEvent } from '../src/invoke';

describe('npm run invoke: the command line', () => {
  it('takes <service>/<function> and --event, resolved from where the command was typed', () => {
    expect(parseInvokeArgs(['order-service/get-order', '--event', 'events/x.json'], '/repo/apps/order-service')).toEqual({
      service: 'order-service',
      function: 'get-order',
      eventFile: '/repo/apps/order-service/events/x.json',
      seed: true,
      verbose: false,
      help: false,
    });
    expect(parseInvokeArgs(['--no-seed', '-e', '/abs.json', 'a/b', '--verbose'], '/repo')).toMatchObject({ eventFile: '/abs.json', seed: false, verbose: true });
  });

  it('names what is missing or wrong', () => {
    expect(() => parseInvokeArgs(['--event', 'x.json'], '/')).toThrow('name the function: <service>/<function>');
    expect(() => parseInvokeArgs(['get-order', '--event', 'x.json'], '/')).toThrow('the function is <service>/<function>, got get-order');
    expect(() => parseInvokeArgs(['a/b'], '/')).toThrow('--event <file> is required');
    expect(() => parseInvokeArgs(['a/b', '--event'], '/')).toThrow('--event needs a file');
    expect(() => parseInvokeArgs(['a/b', 'c/d', '--event', 'x'], '/')).toThrow('one function at a time');
    expect(() => parseInvokeArgs(['a/b', '--port', '1'], '/')).toThrow('unknown option --port');
  });

  it('checks the function against the manifests', () => {
    const services = [{ name: 'order-service', functions: { 'get-order': {}, 'list-orders': {} } }] as unknown as ServiceManifest[];
    expect(functionProblem(services, 'order-service', 'get-order')).toBeUndefined();
    expect(functionProblem(services, 'orders', 'get-order')).toBe('no service orders; the services: order-service');
    expect(functionProblem(services, 'order-service', 'get')).toBe('order-service has no function get; its functions: get-order, list-orders');
  });
});

describe('npm run invoke: the event file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read as JSON, or named in the error', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, '{"period":"daily"}');
    expect(readEvent(good)).toEqual({ period: 'daily' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{period');
    expect(() => readEvent(bad)).toThrow(`the event file ${bad} is not JSON`);
    expect(() => readEvent(join(dir, 'none.json'))).toThrow(`cannot read the event file ${join(dir, 'none.json')}: ENOENT`);
  });
});

describe('npm run invoke: the logs', () => {
  it("keep the invoked function's lines for its request and its start-up, not other requests' or functions'", () => {
    const logs = new LogCollector();
    logs.add({ functionName: 'f', stream: 'stdout', line: 'init' });
    logs.add({ functionName: 'f', requestId: 'r1', stream: 'stdout', line: 'mine' });
    logs.add({ functionName: 'f', requestId: 'r0', stream: 'stdout', line: 'an earlier request' });
    logs.add({ functionName: 'g', requestId: 'r1', stream: 'stderr', line: 'another function' });
    logs.add({ functionName: 'f', requestId: 'r1', stream: 'stderr', line: 'mine too' });
    expect(logs.of('f', 'r1')).toEqual(['init', 'mine', 'mine too']);
  });
});
