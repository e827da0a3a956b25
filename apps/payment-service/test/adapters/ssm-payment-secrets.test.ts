import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { PARAMETER_PLACEHOLDER } from '@shop/platform';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET_MAX_AGE_SECONDS, ssmPaymentSecrets } from '../../src/adapters/ssm-payment-secrets';
import { PaymentSecretUnavailableError } from '../../src/domain/payment-secrets';
import { API_KEY, API_KEY_PARAMETER, fakeParameterStore, WEBHOOK_SECRET, WEBHOOK_SECRET_PARAMETER, withPaymentEnvironment } from '../fixtures';

const ssm = mockClient(SSMClient);
withPaymentEnvironment();
/** A fresh provider per test: each test starts with an empty cache, as a cold instance does. */
let secrets: ReturnType<typeof ssmPaymentSecrets>;
beforeEach(() => {
  ssm.reset();
  fakeParameterStore(ssm);
  const provider = new SSMProvider({ awsSdkV3Client: new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }) });
  secrets = ssmPaymentSecrets({ provider: () => provider });
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => {
  ssm.restore();
});

const reads = () => ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input);

describe('the payment secrets from Parameter Store', () => {
  it('reads each secret by the parameter name in the environment, decrypted', async () => {
    expect(await secrets.apiKey()).toBe(API_KEY);
    expect(await secrets.webhookSecret()).toBe(WEBHOOK_SECRET);
    expect(reads()).toEqual([
      { Name: API_KEY_PARAMETER, WithDecryption: true },
      { Name: WEBHOOK_SECRET_PARAMETER, WithDecryption: true },
    ]);
  });

  it('asks nothing before the first use: making the adapter reads no secret', () => {
    ssmPaymentSecrets();
    expect(reads()).toEqual([]);
  });

  it('answers from its cache within the max age, without asking SSM again', async () => {
    await secrets.webhookSecret();
    vi.advanceTimersByTime((SECRET_MAX_AGE_SECONDS - 1) * 1000);
    expect(await secrets.webhookSecret()).toBe(WEBHOOK_SECRET);
    expect(reads()).toHaveLength(1);
  });

  it('reads a rotated secret once the max age has passed', async () => {
    expect(await secrets.webhookSecret()).toBe(WEBHOOK_SECRET);
    ssm.reset();
    fakeParameterStore(ssm, { [WEBHOOK_SECRET_PARAMETER]: 'whsec_rotated_0f1e2d' });
    vi.advanceTimersByTime((SECRET_MAX_AGE_SECONDS + 1) * 1000);
    expect(await secrets.webhookSecret()).toBe('whsec_rotated_0f1e2d');
    expect(reads()).toHaveLength(1);
  });

  it('fails with a 503 naming the parameter, never its value, when SSM cannot be read, and asks again next time', async () => {
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const error = await secrets.apiKey().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentSecretUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', parameterName: API_KEY_PARAMETER });
    expect(String((error as Error).cause)).toContain(API_KEY_PARAMETER);

    // The failure is not cached: once SSM answers, the next request reads again, and gets the key.
    ssm.reset();
    fakeParameterStore(ssm);
    expect(await secrets.apiKey()).toBe(API_KEY);
    expect(reads()).toHaveLength(1);
  });

  it('fails with a 503 when the parameter does not exist (ParameterNotFound) or is empty', async () => {
    vi.stubEnv('PAYMENT_PROVIDER_API_KEY_PARAMETER', '/shop/test/payment-provider/no-such-parameter');
    await expect(secrets.apiKey()).rejects.toBeInstanceOf(PaymentSecretUnavailableError);

    ssm.reset();
    fakeParameterStore(ssm, { [WEBHOOK_SECRET_PARAMETER]: '' });
    await expect(secrets.webhookSecret()).rejects.toMatchObject({ status: 503, parameterName: WEBHOOK_SECRET_PARAMETER });
  });

  it('fails with a 503 while a parameter still holds the placeholder the platform stack created it with: no webhook is refused as forged for it', async () => {
    ssm.reset();
    fakeParameterStore(ssm, { [WEBHOOK_SECRET_PARAMETER]: PARAMETER_PLACEHOLDER, [API_KEY_PARAMETER]: PARAMETER_PLACEHOLDER });
    await expect(secrets.webhookSecret()).rejects.toMatchObject({ status: 503, parameterName: WEBHOOK_SECRET_PARAMETER });
    await expect(secrets.apiKey()).rejects.toMatchObject({ status: 503, parameterName: API_KEY_PARAMETER });
  });

  it.each([
    ['two keys on two lines (a rotation pasted whole)', `${API_KEY}\nsk_test_NEXT`],
    ['a space inside', 'sk_test_one two'],
    ['a control character', `${API_KEY}\u0000`],
  ])('fails with a 503, quoting nothing of it, for a parameter holding %s: fetch would refuse it in a header and quote it into the logs', async (_, value) => {
    ssm.reset();
    fakeParameterStore(ssm, { [API_KEY_PARAMETER]: value });
    const failure = await secrets.apiKey().catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503, parameterName: API_KEY_PARAMETER });
    expect(JSON.stringify(failure) + String((failure as Error).cause) + String(((failure as Error).cause as Error).cause)).not.toContain('sk_test');
  });

  it('fails, naming the variable, when the environment does not say which parameter', async () => {
    vi.stubEnv('PAYMENT_WEBHOOK_SECRET_PARAMETER', '');
    await expect(secrets.webhookSecret()).rejects.toThrow(/PAYMENT_WEBHOOK_SECRET_PARAMETER/);
  });
});
