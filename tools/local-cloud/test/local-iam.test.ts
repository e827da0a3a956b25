import { createServer } from 'node:http';
import { AdminConfirmSignUpCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { findRepoRoot, loadManifests, physicalName, type ServiceManifest } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoFidelityProxy } from '../src/cognito-fidelity-proxy';
import { LocalEventBus } from '../src/eventbridge/event-bus';
import { startEventBridgeApi } from '../src/eventbridge/eventbridge-api';
import type { ListeningServer } from '../src/http-server';
import { accessKeyOf, functionAccessKeyId, LocalIam } from '../src/iam/local-iam';
import { localPolicies, localSecretsKeyArn } from '../src/iam/local-policies';
import { type LambdaApi, startLambdaApi } from '../src/lambda-api';
import { LambdaRuntime, LOCAL_ACCOUNT_ID } from '../src/lambda-runtime';
import { LOCAL_AWS } from '../src/local-aws';
import { Outbox } from '../src/outbox';
import { startSesApi } from '../src/ses/sesv2-api';
import { LocalSns } from '../src/sns/local-sns';
import { startSnsApi } from '../src/sns/sns-api';
import { startSqsServer } from '../src/sqs/sqs-server';
import { ParameterStore, startParameterStoreApi } from '../src/ssm/parameter-store';
import { startStepFunctionsApi } from '../src/step-functions/sfn-api';
import { StepFunctions } from '../src/step-functions/step-functions';
import { Fixtures, logCollector } from './lambda-fixtures';

/**
 * The local cloud's IAM through the emulators, with real SDK clients signed as the shop's own
 * functions: each call is judged against the policy infra renders for that function from its
 * manifest. What a manifest grants passes; what it does not is refused as AWS refuses it, and
 * kept for the suite to fail on. Requests signed with any other key (an operator's) pass.
 */

const STAGE = 'test';
const REGION = LOCAL_AWS.region;
const API_KEY_PARAMETER = `/shop/${STAGE}/payment-provider/api-key`;
const name = (ref: string) => {
  const [service, fn] = ref.split('/') as [string, string];
  return physicalName(STAGE, service, fn);
};

let services: ServiceManifest[];
const iam = new LocalIam(LOCAL_ACCOUNT_ID);
const servers: { close(): Promise<void> }[] = [];
const clients: { destroy(): void }[] = [];

/** SDK options that sign as the function `ref` (`service/function`), as its environment in the local cloud does. */
function as(ref: string, endpoint: string) {
  // A key that is no function's is an operator's, and passes: a misspelt function would prove nothing.
  const [service, fn] = ref.split('/') as [string, string];
  if (!services.find((s) => s.name === service)?.functions[fn]) throw new Error(`no function ${ref} in the manifests`);
  return { region: REGION, endpoint, maxAttempts: 1, credentials: { accessKeyId: functionAccessKeyId(name(ref)), secretAccessKey: 'local' } };
}
function client<T extends { destroy(): void }>(made: T): T {
  clients.push(made);
  return made;
}

beforeAll(async () => {
  services = await loadManifests(findRepoRoot());
  const policies = localPolicies({
    stage: STAGE,
    region: REGION,
    services,
    userPoolId: `${REGION}_local`,
    emailFrom: 'orders@shop.local',
    secretParameters: { apiKeyParameter: API_KEY_PARAMETER, webhookSecretParameter: `/shop/${STAGE}/payment-provider/webhook-secret` },
  });
  for (const service of services) {
    for (const fn of Object.keys(service.functions)) iam.register(functionAccessKeyId(physicalName(STAGE, service.name, fn)), physicalName(STAGE, service.name, fn), policies(service.name, fn));
  }
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

describe('LocalIam', () => {
  it('knows a caller by the access key its requests are signed with', () => {
    expect(accessKeyOf({ authorization: 'AWS4-HMAC-SHA256 Credential=LOCALShopTestCartServiceAddToCart/20261206/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=ab' })).toBe(
      'LOCALShopTestCartServiceAddToCart',
    );
    expect(accessKeyOf({})).toBeUndefined();
    expect(iam.judges({ authorization: `AWS4-HMAC-SHA256 Credential=${functionAccessKeyId(name('cart-service/add-to-cart'))}/x/y/z/aws4_request` })).toBe(true);
    expect(iam.judges({ authorization: 'AWS4-HMAC-SHA256 Credential=local/x/y/z/aws4_request' })).toBe(false);
  });
});

describe('SQS', () => {
  let sqs: ListeningServer;
  let queueUrl: (queue: string) => string;

  beforeAll(async () => {
    sqs = await startSqsServer({ port: 0, authorizer: iam });
    servers.push(sqs);
    const admin = client(new SQSClient({ ...LOCAL_AWS, endpoint: sqs.url }));
    const urls = new Map<string, string>();
    for (const queue of ['payment-service-refunds', 'payment-service-payment-events']) {
      const { QueueUrl } = await admin.send(new CreateQueueCommand({ QueueName: `shop-${STAGE}-${queue}` }));
      urls.set(queue, QueueUrl!);
    }
    queueUrl = (queue) => urls.get(queue)!;
  });

  it('lets a function send to a queue its manifest names, one message or a batch', async () => {
    const sender = client(new SQSClient(as('order-events/publish-order-events', sqs.url)));
    await expect(sender.send(new SendMessageCommand({ QueueUrl: queueUrl('payment-service-refunds'), MessageBody: '{}' }))).resolves.toHaveProperty('MessageId');
    const batch = await sender.send(new SendMessageBatchCommand({ QueueUrl: queueUrl('payment-service-refunds'), Entries: [{ Id: '1', MessageBody: '{}' }] }));
    expect(batch.Successful).toHaveLength(1);
  });

  it('refuses a send to a queue it does not name, with the message AWS gives', async () => {
    const sender = client(new SQSClient(as('order-events/publish-order-events', sqs.url)));
    const refused = sender.send(new SendMessageCommand({ QueueUrl: queueUrl('payment-service-payment-events'), MessageBody: '{}' }));
    await expect(refused).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringMatching(
        new RegExp(
          `^User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/shop-test-order-events-publish-order-events/shop-test-order-events-publish-order-events ` +
            `is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT_ID}:shop-test-payment-service-payment-events ` +
            'because no identity-based policy allows the sqs:SendMessage action$',
        ),
      ),
    });
  });

  it('lets an operator (any key that is no function’s) do anything', async () => {
    const operator = client(new SQSClient({ ...LOCAL_AWS, endpoint: sqs.url }));
    await expect(operator.send(new SendMessageCommand({ QueueUrl: queueUrl('payment-service-payment-events'), MessageBody: '{}' }))).resolves.toHaveProperty('MessageId');
  });
});

describe('Lambda', () => {
  const runtime = new LambdaRuntime({ onLog: logCollector().onLog });
  const fixtures = new Fixtures();
  let api: LambdaApi;

  beforeAll(async () => {
    runtime.register(fixtures.fn(name('cart-service/read-cart'), 'exports.handler = async () => ({ items: [] });'));
    runtime.register(fixtures.fn(name('inventory-service/release-stock'), 'exports.handler = async () => ({ released: true });'));
    api = await startLambdaApi(runtime, { port: 0, authorizer: iam });
  });
  afterAll(async () => {
    await api.close();
    await runtime.stop();
    fixtures.cleanup();
  });

  it('lets a function invoke what its manifest names, through the live alias', async () => {
    const lambda = client(new LambdaClient(as('order-service/create-order', api.url)));
    const answer = await lambda.send(new InvokeCommand({ FunctionName: `${name('cart-service/read-cart')}:live`, Payload: Buffer.from('{}') }));
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toEqual({ items: [] });
  });

  it('refuses the unqualified function (the policy grants the alias only) and functions it does not name', async () => {
    const lambda = client(new LambdaClient(as('order-service/create-order', api.url)));
    await expect(lambda.send(new InvokeCommand({ FunctionName: name('cart-service/read-cart') }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining(`lambda:InvokeFunction on resource: arn:aws:lambda:${REGION}:${LOCAL_ACCOUNT_ID}:function:${name('cart-service/read-cart')} because`),
    });
    await expect(lambda.send(new InvokeCommand({ FunctionName: `${name('inventory-service/release-stock')}:live` }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('SNS', () => {
  let api: ListeningServer;
  const outbox = new Outbox();
  const sns = new LocalSns({ outbox, deliverLambda: () => undefined });
  const topicArn = sns.createTopic(`shop-${STAGE}-alarms`);

  beforeAll(async () => {
    api = await startSnsApi(sns, { port: 0, authorizer: iam });
    servers.push(api);
  });

  it('lets the SMS sender text a phone number and denies it every topic, explicitly', async () => {
    const sender = client(new SNSClient(as('notification-service/send-notification', api.url)));
    await expect(sender.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'Your order shipped' }))).resolves.toHaveProperty('MessageId');
    await expect(sender.send(new PublishCommand({ TopicArn: topicArn, Message: 'not for it' }))).rejects.toMatchObject({
      name: 'AuthorizationErrorException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('with an explicit deny in an identity-based policy (SmsOnlyNoTopics)'),
    });
  });

  it('refuses a function that sends no messages at all', async () => {
    const stranger = client(new SNSClient(as('cart-service/add-to-cart', api.url)));
    await expect(stranger.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'hi' }))).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
  });
});

describe('EventBridge', () => {
  let api: ListeningServer;
  const bus = new LocalEventBus({
    buses: [`shop-${STAGE}-events`],
    deliver: { lambda: () => undefined, sns: async () => undefined, sqs: async () => undefined },
    log: () => undefined,
  });

  beforeAll(async () => {
    api = await startEventBridgeApi(bus, { port: 0, access: { authorizer: iam, region: REGION, accountId: LOCAL_ACCOUNT_ID } });
    servers.push(api);
  });

  it('holds a publisher to its own source and detail types, entry by entry', async () => {
    const events = client(new EventBridgeClient(as('payment-service/refund-payment', api.url)));
    const entry = (DetailType: string, Source = 'shop.payments') => ({ EventBusName: `shop-${STAGE}-events`, Source, DetailType, Detail: '{}' });
    await expect(events.send(new PutEventsCommand({ Entries: [entry('RefundFailed')] }))).resolves.toMatchObject({ FailedEntryCount: 0 });
    // A refused entry fails on its own, as on AWS; the others are taken.
    const mixed = await events.send(new PutEventsCommand({ Entries: [entry('RefundFailed'), entry('OrderPaid', 'shop.orders'), entry('PaymentMismatch')] }));
    expect(mixed.FailedEntryCount).toBe(1);
    expect(mixed.Entries?.[0]?.EventId).toBeDefined();
    expect(mixed.Entries?.[1]).toMatchObject({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: expect.stringContaining(`events:PutEvents on resource: arn:aws:events:${REGION}:${LOCAL_ACCOUNT_ID}:event-bus/shop-${STAGE}-events`),
    });
    expect(mixed.Entries?.[2]?.EventId).toBeDefined();
  });
});

describe('Parameter Store', () => {
  let api: ListeningServer;

  beforeAll(async () => {
    const store = new ParameterStore(REGION);
    store.put(API_KEY_PARAMETER, 'sk_local');
    api = await startParameterStoreApi(store, { port: 0, access: { authorizer: iam, keyArn: localSecretsKeyArn(STAGE) } });
    servers.push(api);
  });

  it('lets the payment functions read the provider’s secrets, decrypted, and no one else', async () => {
    const payments = client(new SSMClient(as('payment-service/process-payment', api.url)));
    const read = await payments.send(new GetParameterCommand({ Name: API_KEY_PARAMETER, WithDecryption: true }));
    expect(read.Parameter?.Value).toBe('sk_local');
    const cart = client(new SSMClient(as('cart-service/add-to-cart', api.url)));
    await expect(cart.send(new GetParameterCommand({ Name: API_KEY_PARAMETER, WithDecryption: true }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('ssm:GetParameter'),
    });
  });
});

describe('SES', () => {
  let api: ListeningServer;
  const outbox = new Outbox();

  beforeAll(async () => {
    api = await startSesApi(outbox, {
      port: 0,
      access: { authorizer: iam, region: REGION, accountId: LOCAL_ACCOUNT_ID, defaultConfigurationSet: `shop-${STAGE}-email` },
    });
    servers.push(api);
  });

  const email = (from: string) =>
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Simple: { Subject: { Data: 'Paid' }, Body: { Text: { Data: 'Thank you' } } } },
    });

  it('lets a function that e-mails send as the shop’s identity, through its configuration set, and nothing else', async () => {
    const sender = client(new SESv2Client(as('notification-service/send-notification', api.url)));
    await expect(sender.send(email('Shop <orders@shop.local>'))).resolves.toHaveProperty('MessageId');
    await expect(sender.send(email('someone@elsewhere.example'))).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    const stranger = client(new SESv2Client(as('cart-service/add-to-cart', api.url)));
    await expect(stranger.send(email('orders@shop.local'))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(outbox.list({ channel: 'email' })).toHaveLength(1);
  });
});

describe('Step Functions', () => {
  const runtime = new LambdaRuntime({ onLog: logCollector().onLog });
  let api: ListeningServer;
  const checkout = `arn:aws:states:${REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:shop-${STAGE}-checkout-orchestrator-checkout`;

  beforeAll(async () => {
    api = await startStepFunctionsApi(new StepFunctions({ runtime }), { port: 0, authorizer: iam });
    servers.push(api);
  });
  afterAll(() => runtime.stop());

  it('judges a start on the machine, before the machine is looked up, and a task token on `*`', async () => {
    const orders = client(new SFNClient(as('order-service/create-order', api.url)));
    // Allowed, so it reaches the emulator, which has no such machine here.
    await expect(orders.send(new StartExecutionCommand({ stateMachineArn: checkout, input: '{}' }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    const cart = client(new SFNClient(as('cart-service/add-to-cart', api.url)));
    await expect(cart.send(new StartExecutionCommand({ stateMachineArn: checkout, input: '{}' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`states:StartExecution on resource: ${checkout}`),
    });
    await expect(cart.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('states:SendTaskSuccess on resource: *'),
    });
  });
});

describe('Cognito', () => {
  const upstreamCalls: string[] = [];
  // cognito-local's stand-in: what reaches it was allowed.
  const upstream = createServer((request, response) => {
    upstreamCalls.push(String(request.headers['x-amz-target']));
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}'));
  });
  let proxy: ListeningServer;

  beforeAll(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as { port: number };
    proxy = await startCognitoFidelityProxy({ upstreamPort: port, port: 0, access: { authorizer: iam, region: REGION, accountId: LOCAL_ACCOUNT_ID } });
    servers.push(proxy, { close: () => new Promise<void>((resolve) => upstream.close(() => resolve())) });
  });

  it("judges the admin operations on the pool: register may confirm a sign-up, the cart may not", async () => {
    const confirm = new AdminConfirmSignUpCommand({ UserPoolId: `${REGION}_local`, Username: 'ada@example.com' });
    await expect(client(new CognitoIdentityProviderClient(as('user-service/register', proxy.url))).send(confirm)).resolves.toBeDefined();
    await expect(client(new CognitoIdentityProviderClient(as('cart-service/add-to-cart', proxy.url))).send(confirm)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`cognito-idp:AdminConfirmSignUp on resource: arn:aws:cognito-idp:${REGION}:${LOCAL_ACCOUNT_ID}:userpool/${REGION}_local`),
    });
    expect(upstreamCalls).toEqual(['AWSCognitoIdentityProviderService.AdminConfirmSignUp']);
  });
});

describe('denials', () => {
  it('keeps every refused call with its caller, for the end-to-end suite to fail on', () => {
    const denials = iam.denials();
    expect(denials.map((d) => `${d.caller} ${d.action}`)).toEqual(
      expect.arrayContaining([
        'shop-test-order-events-publish-order-events sqs:SendMessage',
        'shop-test-order-service-create-order lambda:InvokeFunction',
        'shop-test-notification-service-send-notification sns:Publish',
        'shop-test-payment-service-refund-payment events:PutEvents',
        'shop-test-cart-service-add-to-cart ssm:GetParameter',
        'shop-test-cart-service-add-to-cart ses:SendEmail',
        'shop-test-cart-service-add-to-cart states:StartExecution',
        'shop-test-cart-service-add-to-cart cognito-idp:AdminConfirmSignUp',
      ]),
    );
    for (const denial of denials) expect(denial.message).toContain(`is not authorized to perform: ${denial.action}`);
  });
});
