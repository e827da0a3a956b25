import { GetParameterCommand, GetParametersByPathCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningServer } from '../src/http-server';
import { LOCAL_AWS } from '../src/local-aws';
import { ParameterStore, startParameterStoreApi } from '../src/ssm/parameter-store';

const SECRET = 'whsec_0a1b2c3d4e5f';
let server: ListeningServer;
let ssm: SSMClient;

beforeAll(async () => {
  const store = new ParameterStore('us-east-1');
  store.put('/shop/local/payment-provider/webhook-secret', 'whsec_old');
  store.put('/shop/local/payment-provider/webhook-secret', SECRET);
  store.put('/shop/local/payment-provider/url', 'http://127.0.0.1:4000', 'String');
  server = await startParameterStoreApi(store, { host: '127.0.0.1', port: 0 });
  ssm = new SSMClient({ ...LOCAL_AWS, endpoint: server.url });
});
afterAll(async () => {
  ssm.destroy();
  await server.close();
});

describe('the local SSM Parameter Store, through the real SSMClient', () => {
  it('answers a SecureString decrypted when asked WithDecryption, with its latest version and ARN', async () => {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/shop/local/payment-provider/webhook-secret', WithDecryption: true }));
    expect(Parameter).toMatchObject({
      Name: '/shop/local/payment-provider/webhook-secret',
      Type: 'SecureString',
      Value: SECRET,
      Version: 2,
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/shop/local/payment-provider/webhook-secret',
      DataType: 'text',
    });
    expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
  });

  it('answers a SecureString encrypted without WithDecryption, as AWS does: never the value', async () => {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/shop/local/payment-provider/webhook-secret' }));
    expect(Parameter?.Value).not.toContain(SECRET);
    expect(Parameter?.Value).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('answers a String as it is, with or without WithDecryption', async () => {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/shop/local/payment-provider/url' }));
    expect(Parameter).toMatchObject({ Type: 'String', Value: 'http://127.0.0.1:4000', Version: 1 });
  });

  it('answers ParameterNotFound (400) for a name it does not hold', async () => {
    const error = await ssm.send(new GetParameterCommand({ Name: '/shop/local/no-such', WithDecryption: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterNotFound);
    expect((error as ParameterNotFound).$metadata.httpStatusCode).toBe(400);
  });

  it('refuses an operation it does not emulate by name, rather than answering something wrong', async () => {
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/shop/local' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('GetParametersByPath'),
    });
  });
});
