import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { findRepoRoot, loadManifests, queueUrlEnvVar, stateMachineEnvVar } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import {
  LOCAL_AWS,
  type LocalCloud,
  type RequestLogEntry,
  type RuntimeLogLine,
  SEED_ADMIN,
  SEED_MANAGER,
  START_PHASES,
  type StartPhase,
  startLocalCloud,
} from '@shop/local-cloud';
import { childProcesses } from '@shop/testing';

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

// Each test starts a whole second local cloud (java included) beside the suite's own.
describe('the local cloud', { timeout: 180_000 }, () => {
  it('starts on free ports, seeds through the API, serves requests, and stops leaving no process behind', async () => {
    const requests: RequestLogEntry[] = [];
    const functionLogs: RuntimeLogLine[] = [];
    const phases: StartPhase[] = [];
    let cloud: LocalCloud | undefined;
    try {
      cloud = await startLocalCloud({
        onRequest: (e) => requests.push(e),
        onFunctionLog: (l) => functionLogs.push(l),
        onPhase: (phase, ms) => {
          expect(ms).toBeGreaterThanOrEqual(0);
          phases.push(phase);
        },
      });

      // Start-up runs its named phases, each once, in order.
      expect(phases).toEqual([...START_PHASES]);

      // Wiring: names, endpoints, pool.
      expect(cloud.stage).toBe('local');
      expect(cloud.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(cloud.userPool.id).toMatch(/^us-east-1_[A-Za-z0-9]+$/);
      expect(cloud.tableName('product-service', 'products')).toBe('shop-local-product-service-products');
      const register = cloud.runtime.functions().find((f) => f.name === cloud?.functionName('user-service', 'register'));
      expect(register?.environment).toMatchObject({
        SERVICE_NAME: 'user-service',
        STAGE: 'local',
        USERS_TABLE: 'shop-local-user-service-users',
        USER_POOL_ID: cloud.userPool.id,
        USER_POOL_CLIENT_ID: cloud.userPool.clientId,
        AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cloud.endpoints.cognito,
        AWS_ENDPOINT_URL_LAMBDA: cloud.endpoints.lambda,
      });
      // Least privilege: login touches no table, so it is told of none.
      const login = cloud.runtime.functions().find((f) => f.functionName === 'login');
      expect(Object.keys(login?.environment ?? {}).filter((k) => k.endsWith('_TABLE'))).toEqual([]);

      const db = new DynamoDBClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.dynamodb });
      const { Table } = await db.send(new DescribeTableCommand({ TableName: cloud.tableName('user-service', 'users') }));
      db.destroy();
      expect(Table?.TableStatus).toBe('ACTIVE');

      // Seeding went through the gateway and the real handlers.
      expect(cloud.seeded).toMatchObject({ created: true, admin: SEED_ADMIN, manager: SEED_MANAGER });
      expect(cloud.seeded?.products.length).toBeGreaterThanOrEqual(5);
      expect(requests.some((r) => r.method === 'POST' && r.path === '/products' && r.status === 201)).toBe(true);
      expect(requests.find((r) => r.path === '/users/register')?.coldStart).toBe(true);
      expect(functionLogs.length).toBeGreaterThan(0);

      // The manager can sign in and sees the ADMIN-only route refused.
      const signIn = await fetch(`${cloud.apiUrl}/users/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: SEED_MANAGER.email, password: SEED_MANAGER.password }),
      });
      expect(signIn.status).toBe(200);
      const { token } = (await json(signIn)) as { token: string };
      const me = await fetch(`${cloud.apiUrl}/users/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(await json(me)).toMatchObject({ email: SEED_MANAGER.email, role: 'MANAGER' });
      const productId = cloud.seeded?.products[0]?.productId ?? '';
      const del = await fetch(`${cloud.apiUrl}/products/${productId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(del.status).toBe(403);

      // Anyone can read the catalogue.
      const list = await fetch(`${cloud.apiUrl}/products?limit=10`);
      expect(list.status).toBe(200);
      expect(((await json(list)).items as unknown[]).length).toBe(cloud.seeded?.products.length);

      // The Lambda API answers the real SDK client, by physical name.
      const lambda = new LambdaClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.lambda });
      const invoked = await lambda.send(
        new InvokeCommand({
          FunctionName: cloud.functionName('product-service', 'get-product'),
          Payload: JSON.stringify({ rawPath: '/products/x', requestContext: { http: { method: 'GET' } } }),
        }),
      );
      lambda.destroy();
      expect(invoked.StatusCode).toBe(200);

      // Queues and state machines from the manifests, behind the real SQS and SFN clients,
      // and named to the functions whose permissions name them.
      const services = await loadManifests(findRepoRoot());
      const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.sqs });
      const sfn = new SFNClient({ ...LOCAL_AWS, endpoint: cloud.endpoints.stepFunctions });
      try {
        for (const service of services) {
          for (const queue of Object.keys(service.queues ?? {})) {
            const name = cloud.queueName(service.name, queue);
            expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(cloud.queueUrl(service.name, queue));
            expect((await sqs.send(new GetQueueUrlCommand({ QueueName: `${name}-dlq` }))).QueueUrl).toBeDefined();
          }
          for (const machine of Object.keys(service.stateMachines ?? {})) {
            const stateMachineArn = cloud.stateMachineArn(service.name, machine);
            expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions).toEqual([]);
          }
          for (const [fnName, fn] of Object.entries(service.functions)) {
            const env = cloud.runtime.functions().find((f) => f.name === cloud?.functionName(service.name, fnName))?.environment ?? {};
            expect(env['AWS_ENDPOINT_URL_SQS']).toBe(cloud.endpoints.sqs);
            expect(env['AWS_ENDPOINT_URL_SFN']).toBe(cloud.endpoints.stepFunctions);
            for (const ref of fn.permissions.sendsTo ?? []) expect(env[queueUrlEnvVar(ref)]).toMatch(/^http:\/\//);
            for (const ref of Object.keys(fn.permissions.stateMachines ?? {})) expect(env[stateMachineEnvVar(ref)]).toMatch(/^arn:aws:states:/);
            if (fn.uses?.includes('paymentProvider')) expect(env['PAYMENT_PROVIDER_URL']).toBe(cloud.paymentProvider.url);
          }
        }
      } finally {
        sqs.destroy();
        sfn.destroy();
      }
    } finally {
      await cloud?.stop();
    }
    await cloud.stop(); // twice is harmless
    expect(childProcesses()).toEqual([]);
  });

  it('keeps accounts and products across a restart with persistDir, and does not seed twice', async () => {
    const persistDir = mkdtempSync(join(tmpdir(), 'shop-local-cloud-'));
    try {
      const first = await startLocalCloud({ persistDir, onFunctionLog: () => undefined });
      const seeded = first.seeded;
      await first.stop();
      expect(seeded?.created).toBe(true);

      const second = await startLocalCloud({ persistDir, onFunctionLog: () => undefined });
      try {
        expect(second.userPool).toEqual(first.userPool);
        expect(second.seeded?.created).toBe(false);
        expect(second.seeded?.products.map((p) => p.productId).sort()).toEqual(
          seeded?.products.map((p) => p.productId).sort(),
        );
        const signIn = await fetch(`${second.apiUrl}/users/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: SEED_ADMIN.email, password: SEED_ADMIN.password }),
        });
        expect(signIn.status).toBe(200);
      } finally {
        await second.stop();
      }
      expect(childProcesses()).toEqual([]);
    } finally {
      rmSync(persistDir, { recursive: true, force: true });
    }
  });
});
