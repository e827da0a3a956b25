import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { handlerTriggers } from '@shop/common';
import { functionEnvironmentVariables, handlerPath, loadServices, type ServiceManifest } from '@shop/platform';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * Every handler is built by the wrapper of its trigger kind (libs/common: httpHandler,
 * invokeHandler, taskHandler, sqsHandler, streamHandler, snsHandler, eventBridgeHandler,
 * scheduleHandler), which parses its input, logs the same fields and reports failures the same
 * way. Each wrapper marks the function it returns with the triggers it serves; this loads every
 * handler the manifests name, as Lambda would, and reads the mark.
 */
describe('every handler', () => {
  it('is built by the wrapper of each of its triggers', async () => {
    const services = await loadServices();
    const functions = services.flatMap(({ manifest, root }) =>
      Object.entries(manifest.functions).map(([name, fn]) => ({ manifest, name, fn, file: join(root, handlerPath(name)) })),
    );
    expect(functions.length).toBeGreaterThan(30);
    for (const { manifest, name } of functions) stubEnvironment(manifest, name);

    const problems: string[] = [];
    for (const { manifest, name, fn, file } of functions) {
      const { handler } = (await import(pathToFileURL(file).href)) as { handler?: unknown };
      const marked = handlerTriggers(handler);
      if (!marked) problems.push(`${manifest.name}/${name}: its handler is not built by a wrapper of libs/common`);
      for (const trigger of marked ? fn.triggers : []) {
        if (!marked?.includes(trigger.type)) problems.push(`${manifest.name}/${name}: no wrapper serves its ${trigger.type} trigger`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

afterAll(() => vi.unstubAllEnvs());

/** What a handler reads at load, with made-up values: nothing is called. */
function stubEnvironment(manifest: ServiceManifest, name: string): void {
  const env = functionEnvironmentVariables(manifest, name, {
    stage: 'test',
    logLevel: 'silent',
    tableName: (service, table) => `shop-test-${service}-${table}`,
    functionName: (service, fn) => `shop-test-${service}-${fn}`,
    queueUrl: (service, queue) => `http://sqs.local/000000000000/shop-test-${service}-${queue}`,
    stateMachineArn: (service, machine) => `arn:aws:states:us-east-1:000000000000:stateMachine:shop-test-${service}-${machine}`,
    eventBusName: () => 'shop-test-events',
    platform: (variable) => (variable === 'PAYMENT_WINDOW_SECONDS' ? '900' : `test-${variable.toLowerCase()}`),
  });
  for (const [key, value] of Object.entries({ ...env, AWS_REGION: 'us-east-1' })) vi.stubEnv(key, value);
}
