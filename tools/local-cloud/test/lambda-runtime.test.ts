import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FunctionNotFoundError, LambdaRuntime } from '../src/lambda-runtime';
import { Fixtures, logCollector, sleep } from './lambda-fixtures';

const fixtures = new Fixtures();
afterAll(() => fixtures.cleanup());

/** Answers with what the instance looks like from inside: its id, how often it ran, and its env. */
const INTROSPECT = `
  const instanceId = Math.random().toString(36).slice(2);
  let runs = 0;
  exports.handler = async (event, context) => ({
    instanceId,
    runs: ++runs,
    event,
    env: { ...process.env },
    context: {
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      remaining: context.getRemainingTimeInMillis(),
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
    },
    hasWithResolvers: typeof Promise.withResolvers === 'function',
  });
`;
const SLOW = `
  const instanceId = Math.random().toString(36).slice(2);
  exports.handler = async (event) => {
    await new Promise((resolve) => setTimeout(resolve, event.ms));
    return { instanceId };
  };
`;

interface Introspection {
  instanceId: string;
  runs: number;
  event: unknown;
  env: Record<string, string>;
  context: Record<string, unknown> & { remaining: number };
  hasWithResolvers: boolean;
}

describe('LambdaRuntime', () => {
  let runtime: LambdaRuntime;
  let logs: ReturnType<typeof logCollector>;

  beforeEach(() => {
    logs = logCollector();
    runtime = new LambdaRuntime({ onLog: logs.onLog });
  });
  afterEach(() => runtime.stop());

  it('runs the handler with a Lambda context and returns its result', async () => {
    runtime.register(fixtures.fn('introspect', INTROSPECT, { memoryMb: 512, timeoutSeconds: 7 }));
    const result = await runtime.invoke('introspect', { hello: 'world' });

    expect(result).toMatchObject({ ok: true, coldStart: true });
    if (!result.ok) throw new Error('expected success');
    const payload = result.payload as Introspection;
    expect(payload.event).toEqual({ hello: 'world' });
    expect(payload.context).toMatchObject({
      awsRequestId: result.requestId,
      functionName: 'introspect',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:introspect',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/introspect',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(payload.context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(payload.context.remaining).toBeGreaterThan(5000);
    expect(payload.context.remaining).toBeLessThanOrEqual(7000);
    expect(payload.hasWithResolvers).toBe(true);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reuses an idle instance: the second invoke is warm and sees the same module state', async () => {
    runtime.register(fixtures.fn('warm', INTROSPECT));
    const first = await runtime.invoke('warm', {});
    const second = await runtime.invoke('warm', {});

    expect(first.coldStart).toBe(true);
    expect(second.coldStart).toBe(false);
    const [a, b] = [first, second].map((r) => (r.ok ? (r.payload as Introspection) : undefined));
    expect(b?.instanceId).toBe(a?.instanceId);
    expect(b?.runs).toBe(2);
    expect(second.requestId).not.toBe(first.requestId);
  });

  it('starts another instance when every instance is busy, as Lambda scales out', async () => {
    runtime.register(fixtures.fn('slow', SLOW));
    const [one, two] = await Promise.all([runtime.invoke('slow', { ms: 300 }), runtime.invoke('slow', { ms: 300 })]);

    expect([one.coldStart, two.coldStart]).toEqual([true, true]);
    const ids = [one, two].map((r) => (r.ok ? (r.payload as { instanceId: string }).instanceId : undefined));
    expect(ids[0]).not.toBe(ids[1]);
    const third = await runtime.invoke('slow', { ms: 0 });
    expect(third.coldStart).toBe(false);
  });

  // Found by the soak (issue 10): forty checkouts at once started forty cold instances of each
  // function on two cores; every one took seconds to load, and callers timed out and cancelled.
  it('runs at most maxInstancesPerFunction instances of a function; the rest wait for a free one', async () => {
    const capped = new LambdaRuntime({ onLog: logs.onLog, maxInstancesPerFunction: 2 });
    try {
      capped.register(fixtures.fn('capped', SLOW));
      const results = await Promise.all(Array.from({ length: 6 }, () => capped.invoke('capped', { ms: 100 })));
      expect(results.every((r) => r.ok)).toBe(true);
      const ids = new Set(results.map((r) => (r.ok ? (r.payload as { instanceId: string }).instanceId : undefined)));
      expect(ids.size).toBe(2);
      expect(results.filter((r) => r.coldStart)).toHaveLength(2);
    } finally {
      await capped.stop();
    }
  });

  it("gives each function its own Lambda-like environment, not this process's", async () => {
    process.env['PARENT_ONLY_SECRET'] = 'do-not-leak';
    try {
      runtime.register(fixtures.fn('env-a', INTROSPECT, { environment: { GREETING: 'hello from a' } }));
      runtime.register(fixtures.fn('env-b', INTROSPECT, { environment: { GREETING: 'hello from b', AWS_REGION: 'eu-west-1' } }));
      const [a, b] = await Promise.all([runtime.invoke('env-a', {}), runtime.invoke('env-b', {})]);
      const envA = a.ok ? (a.payload as Introspection).env : {};
      const envB = b.ok ? (b.payload as Introspection).env : {};

      expect(envA).toMatchObject({
        GREETING: 'hello from a',
        AWS_LAMBDA_FUNCTION_NAME: 'env-a',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
      });
      expect(envB).toMatchObject({ GREETING: 'hello from b', AWS_LAMBDA_FUNCTION_NAME: 'env-b', AWS_REGION: 'eu-west-1' });
      expect(envA['PARENT_ONLY_SECRET']).toBeUndefined();
      expect(envA['PATH']).toBe(process.env['PATH']);
      expect(process.env['GREETING']).toBeUndefined();
    } finally {
      delete process.env['PARENT_ONLY_SECRET'];
    }
  });

  it('answers a thrown error as Lambda does, and keeps the instance', async () => {
    runtime.register(fixtures.fn('fails', `exports.handler = async () => { throw new TypeError('boom'); };`));
    const result = await runtime.invoke('fails', {});

    expect(result).toMatchObject({ ok: false, error: { errorType: 'TypeError', errorMessage: 'boom' } });
    if (result.ok) throw new Error('expected failure');
    expect(result.error.trace?.[0]).toBe('TypeError: boom');
    expect(result.error.trace?.[1]).toMatch(/at /);
    expect(logs.lines.some((l) => l.stream === 'stderr' && l.requestId === result.requestId && l.line.includes('Invoke Error'))).toBe(true);
    expect((await runtime.invoke('fails', {})).coldStart).toBe(false);
  });

  it('supports callback-style handlers', async () => {
    runtime.register(fixtures.fn('callback', `exports.handler = (event, context, callback) => setTimeout(() => callback(null, { got: event.n }), 5);`));
    expect(await runtime.invoke('callback', { n: 3 })).toMatchObject({ ok: true, payload: { got: 3 } });
  });

  it('ends an invocation that runs past its timeout and discards the instance', async () => {
    runtime.register(fixtures.fn('hangs', SLOW, { timeoutSeconds: 0.2 }));
    const started = Date.now();
    const result = await runtime.invoke('hangs', { ms: 10_000 });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({
      ok: false,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.20 seconds' },
    });
    expect((await runtime.invoke('hangs', { ms: 0 })).coldStart).toBe(true);
  });

  it('fails the invocation when the instance exits, and replaces the instance', async () => {
    runtime.register(fixtures.fn('exits', `exports.handler = async (event) => { if (event.exit) process.exit(3); return 'alive'; };`));
    const result = await runtime.invoke('exits', { exit: true });

    expect(result).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    if (result.ok) throw new Error('expected failure');
    expect(result.error.errorMessage).toBe(`RequestId: ${result.requestId} Error: Runtime exited with error: exit status 3`);
    expect(await runtime.invoke('exits', {})).toMatchObject({ ok: true, payload: 'alive', coldStart: true });
  });

  it('fails the invocation on an uncaught error outside the handler', async () => {
    runtime.register(
      fixtures.fn('throws-later', `exports.handler = () => new Promise(() => setTimeout(() => { throw new RangeError('escaped'); }, 5));`),
    );
    const result = await runtime.invoke('throws-later', {});
    expect(result).toMatchObject({ ok: false, error: { errorType: 'RangeError', errorMessage: 'escaped' } });
  });

  it('reports a bundle that cannot load as Lambda does', async () => {
    runtime.register(fixtures.fn('no-handler', `exports.notTheHandler = () => 1;`));
    runtime.register({ ...fixtures.fn('missing', ''), bundlePath: `${fixtures.dir}/does-not-exist.js` });

    expect(await runtime.invoke('no-handler', {})).toMatchObject({
      ok: false,
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'no-handler.handler is undefined or not exported' },
    });
    expect(await runtime.invoke('missing', {})).toMatchObject({ ok: false, error: { errorType: 'Runtime.ImportModuleError' } });
  });

  it("captures stdout and stderr line by line, the shop's logger writing to fd 1 included", async () => {
    // The logger as the common-utils layer ships it: bundled, writing with fs.writeSync to fd 1.
    const loggerBundle = path.join(fixtures.dir, 'shop-logger.js');
    buildSync({ entryPoints: [createRequire(__filename).resolve('@shop/common/src/logger.ts')], outfile: loggerBundle, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    runtime.register(
      fixtures.fn(
        'logs',
        `const { logger } = require(${JSON.stringify(loggerBundle)});
         exports.handler = async () => {
           console.log('plain line');
           console.error('to stderr');
           process.stdout.write('two\\nlines\\n');
           require('fs').writeSync(1, 'straight to fd 1\\n');
           require('fs').write(1, 'to fd 1, asynchronously\\n', () => {});
           logger.info({ orderId: 'o-1' }, 'from the logger');
           return 'done';
         };`,
      ),
    );
    const result = await runtime.invoke('logs', {});

    const mine = logs.lines.filter((l) => l.requestId === result.requestId && l.functionName === 'logs');
    expect(mine.filter((l) => l.stream === 'stdout').map((l) => l.line).slice(0, 5)).toEqual([
      'plain line',
      'two',
      'lines',
      'straight to fd 1',
      'to fd 1, asynchronously',
    ]);
    expect(mine).toContainEqual(expect.objectContaining({ stream: 'stderr', line: 'to stderr' }));
    const loggerLine = mine.find((l) => l.line.includes('from the logger'));
    expect(JSON.parse(loggerLine?.line ?? '{}')).toMatchObject({ level: 'info', message: 'from the logger', orderId: 'o-1' });
  });

  it('resolves modules from layers as Lambda resolves /opt/nodejs/node_modules', async () => {
    fixtures.write('layer/nodejs/node_modules/tiny-lib/index.js', `exports.shout = (s) => s.toUpperCase() + '!';`);
    runtime.register(
      fixtures.fn('layered', `const { shout } = require('tiny-lib'); exports.handler = async (e) => shout(e.word);`, {
        layerPaths: [`${fixtures.dir}/layer/nodejs/node_modules`],
      }),
    );
    expect(await runtime.invoke('layered', { word: 'hey' })).toMatchObject({ ok: true, payload: 'HEY!' });
  });

  it('runs a bundle away from the repository, so a package it does not hold is not found in node_modules', async () => {
    // Written inside the repository, where `zod` is installed: on Lambda the bundle runs from
    // /var/task with no node_modules, and here it must fail the same way.
    const inRepo = mkdtempSync(path.join(__dirname, '.bundle-in-repo-'));
    try {
      const bundlePath = path.join(inRepo, 'needs-zod.js');
      writeFileSync(bundlePath, `const z = require('zod'); exports.handler = async () => typeof z.object;`);
      expect(createRequire(bundlePath)('zod')).toBeDefined(); // from here it would resolve
      runtime.register({ ...fixtures.fn('needs-zod', ''), bundlePath });
      expect(await runtime.invoke('needs-zod', {})).toMatchObject({
        ok: false,
        error: { errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("Cannot find module 'zod'") },
      });
    } finally {
      rmSync(inRepo, { recursive: true, force: true });
    }
  });

  it('loads a re-registered function anew', async () => {
    runtime.register(fixtures.fn('versioned', `exports.handler = async () => 'v1';`));
    expect(await runtime.invoke('versioned', {})).toMatchObject({ payload: 'v1' });
    runtime.register(fixtures.fn('versioned', `exports.handler = async () => 'v2';`));
    expect(await runtime.invoke('versioned', {})).toMatchObject({ payload: 'v2', coldStart: true });
  });

  it('ends idle instances after the idle timeout', async () => {
    const quick = new LambdaRuntime({ onLog: logs.onLog, idleTimeoutMs: 50 });
    try {
      quick.register(fixtures.fn('idle', INTROSPECT));
      await quick.invoke('idle', {});
      await sleep(300);
      expect((await quick.invoke('idle', {})).coldStart).toBe(true);
    } finally {
      await quick.stop();
    }
  });

  it('throws FunctionNotFoundError for a name it does not know', async () => {
    await expect(runtime.invoke('nope', {})).rejects.toBeInstanceOf(FunctionNotFoundError);
    expect(runtime.has('nope')).toBe(false);
  });

  it('lists what is registered', () => {
    const fn = fixtures.fn('listed', INTROSPECT);
    runtime.register(fn);
    expect(runtime.has('listed')).toBe(true);
    expect(runtime.functions()).toEqual([fn]);
  });

  it('stop() ends running invocations and leaves no worker behind', async () => {
    const ports = () => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    const before = ports();
    const local = new LambdaRuntime({ onLog: logs.onLog });
    local.register(fixtures.fn('stopped', SLOW));
    await local.invoke('stopped', { ms: 0 });
    const running = local.invoke('stopped', { ms: 10_000 });
    const other = local.invoke('stopped', { ms: 10_000 });
    await sleep(100);
    expect(ports()).toBeGreaterThan(before);

    await local.stop();
    expect(await running).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    expect(await other).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
    expect(ports()).toBe(before);
    await expect(local.invoke('stopped', { ms: 0 })).rejects.toThrow(/stopped/);
  });
});
