import { beforeAll, describe, expect, it } from 'vitest';
import {
  dynamodbAccessRequests,
  evaluatePolicy,
  findRepoRoot,
  functionPolicy,
  loadManifests,
  paymentSecretStatements,
  type PolicyContext,
  type PolicyDocument,
  type ServiceManifest,
} from '../src';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
let ctx: PolicyContext;
let services: ServiceManifest[];

beforeAll(async () => {
  services = await loadManifests(findRepoRoot());
  ctx = {
    stage: 'test',
    region: REGION,
    accountId: ACCOUNT,
    userPoolArn: `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_pool`,
    emailIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/shop.example`,
    emailFrom: 'no-reply@shop.example',
    services,
  };
});

function policyOf(ref: string): PolicyDocument {
  const [service, fn] = ref.split('/') as [string, string];
  const manifest = services.find((s) => s.name === service);
  if (!manifest) throw new Error(`no service ${service}`);
  return functionPolicy(manifest, fn, ctx);
}

const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:shop-test-${name}`;

describe('evaluatePolicy on the policies functionPolicy renders', () => {
  it('allows invoking a granted function through its live alias only, and no other function', () => {
    const policy = policyOf('order-service/create-order');
    expect(evaluatePolicy(policy, { action: 'lambda:InvokeFunction', resource: `${fn('cart-service-read-cart')}:live` })).toMatchObject({ allowed: true });
    expect(evaluatePolicy(policy, { action: 'lambda:InvokeFunction', resource: fn('cart-service-read-cart') })).toEqual({ allowed: false, reason: 'no allow' });
    expect(evaluatePolicy(policy, { action: 'lambda:InvokeFunction', resource: `${fn('inventory-service-release-stock')}:live` })).toEqual({
      allowed: false,
      reason: 'no allow',
    });
  });

  it('matches actions without regard to case, as IAM does, and resources with it', () => {
    const policy = policyOf('order-service/create-order');
    expect(evaluatePolicy(policy, { action: 'Lambda:invokefunction', resource: `${fn('cart-service-read-cart')}:live` })).toMatchObject({ allowed: true });
    expect(evaluatePolicy(policy, { action: 'lambda:InvokeFunction', resource: `${fn('CART-service-read-cart')}:live` })).toMatchObject({ allowed: false });
  });

  it("holds PutEvents to the function's own source and detail types", () => {
    const policy = policyOf('payment-service/refund-payment');
    const bus = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/shop-test-events`;
    const putEvents = (context: Record<string, string | string[]>) => evaluatePolicy(policy, { action: 'events:PutEvents', resource: bus, context });
    expect(putEvents({ 'events:source': 'shop.payments', 'events:detail-type': 'RefundFailed' })).toMatchObject({ allowed: true });
    expect(putEvents({ 'events:source': 'shop.payments', 'events:detail-type': ['RefundFailed', 'PaymentMismatch'] })).toMatchObject({ allowed: true });
    expect(putEvents({ 'events:source': 'shop.orders', 'events:detail-type': 'RefundFailed' })).toEqual({ allowed: false, reason: 'no allow' });
    expect(putEvents({ 'events:source': 'shop.payments', 'events:detail-type': ['RefundFailed', 'OrderPaid'] })).toEqual({ allowed: false, reason: 'no allow' });
    // StringEquals on a key the request lacks does not hold.
    expect(putEvents({ 'events:detail-type': 'RefundFailed' })).toEqual({ allowed: false, reason: 'no allow' });
  });

  it('lets an e-mail sender send as the shop’s identity, and to any verified recipient (the SES sandbox) only from the shop’s address', () => {
    const policy = policyOf('notification-service/send-notification');
    const send = (identity: string, context?: Record<string, string>) =>
      evaluatePolicy(policy, { action: 'ses:SendEmail', resource: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${identity}`, ...(context && { context }) });
    expect(send('shop.example')).toMatchObject({ allowed: true });
    expect(send('tester@example.com', { 'ses:FromAddress': 'no-reply@shop.example' })).toMatchObject({ allowed: true });
    expect(send('tester@example.com', { 'ses:FromAddress': 'ceo@other.example' })).toEqual({ allowed: false, reason: 'no allow' });
    expect(send('tester@example.com')).toEqual({ allowed: false, reason: 'no allow' });
    // A function that sends no e-mail may not, whatever the address.
    expect(evaluatePolicy(policyOf('order-service/create-order'), { action: 'ses:SendEmail', resource: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/tester@example.com`, context: { 'ses:FromAddress': 'no-reply@shop.example' } })).toMatchObject({ allowed: false });
  });

  it('lets an SMS sender publish to phone numbers and denies it every topic, explicitly', () => {
    const policy = policyOf('notification-service/send-notification');
    expect(evaluatePolicy(policy, { action: 'sns:Publish', resource: '*' })).toMatchObject({ allowed: true });
    expect(evaluatePolicy(policy, { action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:shop-test-alarms` })).toEqual({
      allowed: false,
      reason: 'explicit deny',
      statement: 'SmsOnlyNoTopics',
    });
  });

  it('decrypts the payment secrets only when SSM asks on the function’s behalf', () => {
    const manifest = services.find((s) => s.name === 'payment-service')!;
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/local`;
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: paymentSecretStatements(manifest.functions['process-payment']!, {
        region: REGION,
        accountId: ACCOUNT,
        parameterNames: ['/shop/test/payment-provider/api-key'],
        keyArn,
      }),
    };
    expect(evaluatePolicy(policy, { action: 'kms:Decrypt', resource: keyArn, context: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } })).toMatchObject({ allowed: true });
    expect(evaluatePolicy(policy, { action: 'kms:Decrypt', resource: keyArn })).toEqual({ allowed: false, reason: 'no allow' });
    expect(evaluatePolicy(policy, { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/shop/test/payment-provider/api-key` })).toMatchObject({
      allowed: true,
    });
    expect(evaluatePolicy(policy, { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/shop/test/other` })).toMatchObject({ allowed: false });
  });

  it('allows nothing a function does not name: a queue it only consumes is not one it may send to', () => {
    const policy = policyOf('payment-service/refund-payment');
    const refunds = `arn:aws:sqs:${REGION}:${ACCOUNT}:shop-test-payment-service-refunds`;
    expect(evaluatePolicy(policy, { action: 'sqs:ReceiveMessage', resource: refunds })).toMatchObject({ allowed: true });
    expect(evaluatePolicy(policy, { action: 'sqs:PurgeQueue', resource: refunds })).toEqual({ allowed: false, reason: 'no allow' });
  });
});

describe('evaluatePolicy on DynamoDB requests under a grant limited to attributes (decision 91)', () => {
  const products = 'shop-test-product-service-products';
  const judge = (operation: string, input: Record<string, unknown>) =>
    dynamodbAccessRequests(operation, { TableName: products, ...input }, { region: REGION, accountId: ACCOUNT }).map(
      (request) => evaluatePolicy(policyOf('inventory-service/reserve-stock'), request).allowed,
    );

  it('lets inventory name the key, the stock and the listing, and nothing else', () => {
    const key = { productId: { S: 'p' } };
    expect(judge('UpdateItem', { Key: key, UpdateExpression: 'SET stock = stock - :q', ConditionExpression: 'attribute_exists(listing)' })).toEqual([true]);
    expect(judge('UpdateItem', { Key: key, UpdateExpression: 'SET price = :p' })).toEqual([false]);
    expect(judge('UpdateItem', { Key: key, UpdateExpression: 'SET stock = :s', ReturnValues: 'ALL_NEW' })).toEqual([false]);
  });

  it('refuses a read that does not project, since it asks for every attribute', () => {
    const batch = (request: Record<string, unknown>) =>
      dynamodbAccessRequests('BatchGetItem', { RequestItems: { [products]: request } }, { region: REGION, accountId: ACCOUNT }).map(
        (r) => evaluatePolicy(policyOf('inventory-service/check-availability'), r).allowed,
      );
    expect(batch({ Keys: [{ productId: { S: 'p' } }], ProjectionExpression: 'productId, stock' })).toEqual([true]);
    expect(batch({ Keys: [{ productId: { S: 'p' } }] })).toEqual([false]);
  });
});

describe('evaluatePolicy condition operators', () => {
  const with_ = (Condition: Record<string, Record<string, string | string[]>>): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Only', Effect: 'Allow', Action: ['svc:Do*'], Resource: ['arn:aws:svc:::thing/?'], Condition }],
  });
  const judge = (policy: PolicyDocument, context: Record<string, string | string[]> = {}) =>
    evaluatePolicy(policy, { action: 'svc:DoIt', resource: 'arn:aws:svc:::thing/a', context }).allowed;

  it('globs `*` and `?` in actions and resources', () => {
    expect(judge(with_({}))).toBe(true);
    expect(evaluatePolicy(with_({}), { action: 'svc:Undo', resource: 'arn:aws:svc:::thing/a' }).allowed).toBe(false);
    expect(evaluatePolicy(with_({}), { action: 'svc:DoIt', resource: 'arn:aws:svc:::thing/ab' }).allowed).toBe(false);
  });

  it('IfExists holds when the key is absent; the plain form does not; StringNotEquals does', () => {
    expect(judge(with_({ StringEqualsIfExists: { 'svc:k': 'x' } }))).toBe(true);
    expect(judge(with_({ StringEqualsIfExists: { 'svc:k': 'x' } }), { 'svc:k': 'y' })).toBe(false);
    expect(judge(with_({ StringEquals: { 'svc:k': 'x' } }))).toBe(false);
    expect(judge(with_({ StringNotEquals: { 'svc:k': 'x' } }))).toBe(true);
    expect(judge(with_({ StringNotEquals: { 'svc:k': 'x' } }), { 'svc:k': 'x' })).toBe(false);
  });

  it('ForAllValues holds for an empty or missing set; ForAnyValue needs one match', () => {
    expect(judge(with_({ 'ForAllValues:StringEquals': { 'svc:k': ['x', 'y'] } }))).toBe(true);
    expect(judge(with_({ 'ForAllValues:StringEquals': { 'svc:k': ['x', 'y'] } }), { 'svc:k': ['x', 'z'] })).toBe(false);
    expect(judge(with_({ 'ForAnyValue:StringEquals': { 'svc:k': ['x'] } }))).toBe(false);
    expect(judge(with_({ 'ForAnyValue:StringLike': { 'svc:k': ['x*'] } }), { 'svc:k': ['a', 'xyz'] })).toBe(true);
  });

  it('needs every operator and key to hold', () => {
    const policy = with_({ StringEquals: { 'svc:a': '1', 'svc:b': ['2', '3'] }, StringLike: { 'svc:c': 'x-*' } });
    expect(judge(policy, { 'svc:a': '1', 'svc:b': '3', 'svc:c': 'x-y' })).toBe(true);
    expect(judge(policy, { 'svc:a': '1', 'svc:b': '4', 'svc:c': 'x-y' })).toBe(false);
    expect(judge(policy, { 'svc:a': '1', 'svc:b': '2', 'svc:c': 'y' })).toBe(false);
  });

  it('refuses to judge an operator it does not know, rather than judge it wrongly', () => {
    expect(() => judge(with_({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }))).toThrow(/cannot judge the condition operator IpAddress/);
  });
});
