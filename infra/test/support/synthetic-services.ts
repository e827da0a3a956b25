import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineService, type LayerName, LAYERS } from '@shop/platform';
import type { LoadedService } from '@shop/platform';

/**
 * Two made-up services that use every kind of trigger, permission and resource a manifest can
 * hold, reaching into each other every way one service can name another's resources, so that
 * the stacks are tested for kinds no real service uses yet.
 */

export const alpha = defineService({
  name: 'alpha-service',
  description: 'things',
  tables: {
    things: {
      description: 'things, streamed',
      partitionKey: { name: 'thingId', type: 'S' },
      sortKey: { name: 'version', type: 'N' },
      globalSecondaryIndexes: [{ name: 'by-owner', partitionKey: { name: 'ownerId', type: 'S' }, sortKey: { name: 'version', type: 'N' } }],
      stream: 'NEW_AND_OLD_IMAGES',
      ttlAttribute: 'expiresAt',
    },
    ledger: { description: 'a plain table', partitionKey: { name: 'entryId', type: 'S' } },
  },
  queues: { work: { description: 'work for the worker', visibilityTimeoutSeconds: 190, maxReceiveCount: 5 } },
  deadLetterQueues: { failed: { description: 'what alpha could not do' } },
  topics: {
    alerts: {
      description: 'alerts, fed by a rule',
      rules: { 'big-things': { description: 'things of size ${big}', pattern: { source: ['shop.things'], detail: { size: [{ numeric: ['>', 100] }] } } } },
    },
    quiet: { description: 'a topic no rule feeds' },
  },
  stateMachines: { flow: { description: 'a flow', definition: 'src/flow.asl.json' } },
  functions: {
    'api-handler': {
      description: 'answers the API',
      memoryMb: 512,
      timeoutSeconds: 20,
      triggers: [
        { type: 'http', method: 'GET', path: '/things/{thingId}', auth: { kind: 'public' }, summary: 'a thing', response: { status: 200 } },
        { type: 'http', method: 'POST', path: '/things', auth: { kind: 'signed-in', roles: ['ADMIN'] }, summary: 'make a thing', response: { status: 201 } },
      ],
      permissions: {
        tables: { things: { actions: ['GetItem', 'PutItem', 'UpdateItem'], indexes: { 'by-owner': ['Query'] } } },
        invokes: ['beta-service/lookup'],
        invokesAsync: ['beta-service/record'],
        sendsTo: ['alpha-service/work'],
        stateMachines: { 'alpha-service/flow': ['StartExecution', 'DescribeExecution'] },
        publishes: { source: 'shop.things', detailTypes: ['ThingCreated', 'ThingChanged'] },
        userPool: ['AdminGetUser'],
      },
      uses: ['userPool', 'paymentProvider'],
    },
    worker: {
      description: 'works the queue, runs in the flow, tells people',
      memoryMb: 256,
      timeoutSeconds: 30,
      triggers: [
        { type: 'queue', queue: 'alpha-service/work', batchSize: 50, maxBatchingWindowSeconds: 5 },
        { type: 'state-machine-task', stateMachine: 'alpha-service/flow', states: ['Work'] },
      ],
      permissions: { tables: { ledger: ['PutItem', 'BatchWriteItem', 'ConditionCheckItem'] }, messages: ['email', 'sms'], stateMachines: { 'alpha-service/flow': ['SendTaskSuccess'] } },
      uses: ['email', 'checkout'],
    },
    'on-alert': {
      description: 'hears alerts',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [{ type: 'topic', topic: 'alpha-service/alerts' }],
      permissions: {},
      asyncInvoke: { maximumRetryAttempts: 1, onFailure: 'alpha-service/failed' },
    },
    nightly: {
      description: 'runs at night',
      memoryMb: 128,
      timeoutSeconds: 60,
      triggers: [{ type: 'schedule', schedule: 'nightly', description: 'every night', expression: 'cron(0 2 * * ? *)', input: { greeting: 'Hello ${name}', n: 1 } }],
      permissions: { tables: { ledger: ['Scan'] } },
      asyncInvoke: { maximumRetryAttempts: 0, onFailure: 'alpha-service/failed' },
    },
    'stream-reader': {
      description: 'reads its own table stream',
      memoryMb: 128,
      timeoutSeconds: 10,
      triggers: [
        {
          type: 'table-stream',
          table: 'alpha-service/things',
          batchSize: 100,
          maxBatchingWindowSeconds: 3,
          startingPosition: 'LATEST',
          maximumRetryAttempts: 3,
          bisectBatchOnError: true,
          onFailure: 'alpha-service/failed',
        },
      ],
      permissions: {},
    },
  },
});

export const beta = defineService({
  name: 'beta-service',
  description: 'reads alpha',
  tables: {},
  deadLetterQueues: { dropped: { description: 'what beta dropped' } },
  functions: {
    lookup: {
      description: 'looks up a thing',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [
        { type: 'invoke', callers: ['alpha-service/api-handler'] },
        { type: 'state-machine-task', stateMachine: 'alpha-service/flow', states: ['Lookup'] },
      ],
      permissions: { foreignTables: { 'alpha-service/things': { actions: ['GetItem'], attributes: ['thingId', 'version', 'ownerId'] } } },
    },
    record: {
      description: 'records, invoked with Event',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['alpha-service/api-handler'] }],
      permissions: {},
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'beta-service/dropped' },
    },
    follower: {
      description: "follows alpha's stream and alerts",
      memoryMb: 128,
      timeoutSeconds: 10,
      triggers: [
        {
          type: 'table-stream',
          table: 'alpha-service/things',
          batchSize: 10,
          startingPosition: 'TRIM_HORIZON',
          maximumRetryAttempts: -1,
          bisectBatchOnError: false,
          onFailure: 'beta-service/dropped',
        },
        { type: 'topic', topic: 'alpha-service/alerts' },
      ],
      permissions: {},
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'beta-service/dropped' },
    },
    listener: {
      description: 'listens to thing events',
      memoryMb: 128,
      timeoutSeconds: 5,
      triggers: [
        {
          type: 'event-rule',
          rule: 'things-changed',
          description: 'changed things',
          pattern: { source: ['shop.things'], 'detail-type': ['ThingChanged'], $or: [{ detail: { size: [{ numeric: ['>', 10] }] } }, { detail: { urgent: [true] } }] },
        },
      ],
      permissions: { sendsTo: ['alpha-service/work'] },
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'beta-service/dropped' },
    },
  },
});

/** The flow's definition: tasks in both services, and text that means `${...}` literally. */
export const FLOW_DEFINITION = {
  Comment: 'A flow whose comment mentions ${amount} and %{ literally.',
  StartAt: 'Lookup',
  States: {
    Lookup: { Type: 'Task', Resource: '${beta-service/lookup}', Next: 'Work' },
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: '${alpha-service/worker}', Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};

/** What each made-up bundle requires from outside itself, as its esbuild metafile would say. */
const BUNDLE_IMPORTS: Record<string, string[]> = {
  'alpha-service/api-handler': ['@shop/auth', '@shop/common'],
  'alpha-service/worker': ['@shop/common'],
  'beta-service/lookup': [],
};

export const SYNTHETIC_SERVICES = [alpha, beta];

/**
 * A workspace in `dir` holding the two services' roots (with the flow's definition) and a
 * `dist/` as the builds would leave it: a bundle and metafile per service, the two layers.
 */
export function writeSyntheticWorkspace(dir: string): LoadedService[] {
  const services = SYNTHETIC_SERVICES.map((manifest) => ({ manifest, root: join(dir, 'apps', manifest.name) }));
  mkdirSync(join(services[0]!.root, 'src'), { recursive: true });
  writeFileSync(join(services[0]!.root, 'src', 'flow.asl.json'), JSON.stringify(FLOW_DEFINITION, null, 2));
  for (const { manifest } of services) {
    const out = join(dir, 'dist', 'apps', manifest.name);
    mkdirSync(out, { recursive: true });
    const outputs: Record<string, { imports: { path: string; kind: string; external: boolean }[] }> = {};
    for (const fn of Object.keys(manifest.functions)) {
      const bundle = `dist/apps/${manifest.name}/${fn}.js`;
      const imports = BUNDLE_IMPORTS[`${manifest.name}/${fn}`] ?? ['@shop/common'];
      writeFileSync(join(dir, bundle), `${imports.map((p) => `require(${JSON.stringify(p)});`).join('')}exports.handler=async()=>({fn:${JSON.stringify(fn)}});\n`);
      outputs[bundle] = { imports: imports.map((path) => ({ path, kind: 'require-call', external: true })) };
    }
    writeFileSync(join(out, 'meta.json'), JSON.stringify({ inputs: {}, outputs }));
  }
  for (const [layer, { package: pkg }] of Object.entries(LAYERS) as [LayerName, (typeof LAYERS)[LayerName]][]) {
    const packageDir = join(dir, 'dist', 'layers', layer, 'nodejs', 'node_modules', pkg);
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(join(packageDir, 'index.js'), 'module.exports = {};\n');
    writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: pkg, version: '0.0.0', main: 'index.js' }));
  }
  // A storefront build, as the storefront's build would leave it (with a config.json of its own, which the deployed one replaces).
  const storefront = join(dir, 'dist', 'web', 'storefront');
  mkdirSync(join(storefront, 'assets'), { recursive: true });
  for (const [file, content] of Object.entries(STOREFRONT_BUILD)) writeFileSync(join(storefront, file), content);
  return services;
}

/** The made-up storefront build: its files and their content. */
export const STOREFRONT_BUILD: Record<string, string> = {
  'index.html': '<!doctype html><script type="module" src="/assets/main-5FQ2TYJR.js"></script>',
  'assets/main-5FQ2TYJR.js': 'console.log("shop")',
  'assets/main-5FQ2TYJR.css': 'body{}',
  'favicon.ico': 'ico',
  'config.json': '{"apiUrl":"http://localhost:3000"}',
};
