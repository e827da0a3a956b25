import type { InvokeCommandInput, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { functionEnvVar, queueUrlEnvVar, stateMachineEnvVar, tableEnvVar } from '@shop/platform';
import type { CatalogProduct, OrderStatus, ReadCartResponse } from '@shop/contracts';
import { accessTokenClaims, invokeAnswer } from '@shop/testing';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, vi } from 'vitest';
import type { OrderRecord } from '../src/domain/order-record';

export const ORDERS_TABLE = 'shop-test-order-service-orders';
export const KEYS_TABLE = 'shop-test-order-service-idempotency-keys';
export const OPEN_ORDERS_TABLE = 'shop-test-order-service-open-orders';
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shop-test-checkout-orchestrator-checkout';
export const PAYMENT_WINDOW_SECONDS = 900;
export const START_CHECKS_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/shop-test-order-service-checkout-start-checks';
/** Which attribute is the partition key of each table, for the fake. */
export const TABLE_KEYS = { [ORDERS_TABLE]: 'orderId', [KEYS_TABLE]: 'key', [OPEN_ORDERS_TABLE]: 'userId' };
/** The index a user's orders are listed from, for FakeDynamoDB. */
export const TABLE_INDEXES = { [ORDERS_TABLE]: { 'by-user': ['userId', 'createdAt'] } } as const;

export const ANN_ID = 'c0000000-0000-4000-8000-00000000000a';
export const BOB_ID = 'c0000000-0000-4000-8000-00000000000b';
export const ADMIN_ID = 'a0000000-0000-4000-8000-000000000001';
export const ANN = () => accessTokenClaims({ userId: ANN_ID, roles: ['CUSTOMER'] });
export const BOB = () => accessTokenClaims({ userId: BOB_ID, roles: ['CUSTOMER'] });
export const ADMIN = () => accessTokenClaims({ userId: ADMIN_ID, roles: ['ADMIN'] });

export const ORDER_ID = '0d9b7f4e-1111-4a2b-8c3d-123456789abc';
export const CART_ID = '7a1e0c52-3b4d-4e6f-8a9b-0c1d2e3f4a5b';
export const MUG_ID = '5b0c7d3e-9f1a-4b2c-8d4e-6f7a8b9c0d1e';
export const PLATE_ID = '6c1d8e4f-0a2b-4c3d-9e5f-7a8b9c0d1e2f';
export const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAW-token-1';

/** The physical function name the environment gives a `service/function` in tests. */
export function functionName(ref: string): string {
  return `shop-test-${ref.replace('/', '-')}`;
}

const FUNCTIONS = ['cart-service/read-cart', 'cart-service/clear-cart', 'product-service/get-products', 'inventory-service/check-availability', 'inventory-service/release-stock', 'analytics-service/stream-processor'];

/** Table names, function names, the state machine and the payment window come from the environment, as infra and the local cloud set them. */
export function withOrderServiceEnv(): void {
  beforeEach(() => {
    vi.stubEnv(tableEnvVar('orders'), ORDERS_TABLE);
    vi.stubEnv(tableEnvVar('idempotency-keys'), KEYS_TABLE);
    vi.stubEnv(tableEnvVar('open-orders'), OPEN_ORDERS_TABLE);
    vi.stubEnv(stateMachineEnvVar('checkout-orchestrator/checkout'), STATE_MACHINE_ARN);
    vi.stubEnv('PAYMENT_WINDOW_SECONDS', String(PAYMENT_WINDOW_SECONDS));
    for (const ref of FUNCTIONS) vi.stubEnv(functionEnvVar(ref), functionName(ref));
    vi.stubEnv(queueUrlEnvVar('order-service/checkout-start-checks'), START_CHECKS_QUEUE_URL);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}

/** An order as the table holds it. */
export function storedOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    orderId: ORDER_ID,
    userId: ANN_ID,
    cartId: CART_ID,
    status: 'PENDING' as OrderStatus,
    items: [
      { productId: MUG_ID, name: 'Mug', quantity: 2, unitPrice: { amount: 1250, currency: 'USD' }, lineTotal: { amount: 2500, currency: 'USD' } },
      { productId: PLATE_ID, name: 'Plate', quantity: 1, unitPrice: { amount: 800, currency: 'USD' }, lineTotal: { amount: 800, currency: 'USD' } },
    ],
    total: { amount: 3300, currency: 'USD' },
    correlationId: 'checkout-corr-1',
    charges: {},
    checkoutStartedAt: '2025-03-01T10:00:00.000Z',
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

export const mug: CatalogProduct = { productId: MUG_ID, name: 'Mug', price: { amount: 1250, currency: 'USD' }, stock: 10, listed: true };
export const plate: CatalogProduct = { productId: PLATE_ID, name: 'Plate', price: { amount: 800, currency: 'USD' }, stock: 4, listed: true };

export function annsCart(overrides: Partial<ReadCartResponse> = {}): ReadCartResponse {
  return {
    cartId: CART_ID,
    userId: ANN_ID,
    lines: [
      { productId: MUG_ID, quantity: 2 },
      { productId: PLATE_ID, quantity: 1 },
    ],
    ...overrides,
  };
}

/** What Lambda answers for a function that returned `value`. */
export function answered(value: unknown): InvokeCommandOutput {
  return invokeAnswer(value);
}

/** What Lambda answers for a function that threw. */
export function failed(errorType: string, errorMessage: string): InvokeCommandOutput {
  return invokeAnswer({ errorType, errorMessage, trace: [] }, 'Unhandled');
}

/** The payload an InvokeCommand carried, parsed. */
export function sentPayload(input: InvokeCommandInput): Record<string, unknown> {
  return JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as Record<string, unknown>;
}

/** An SQS event as the event source mapping delivers it. */
export function sqsEvent(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, i): SQSRecord => ({
        messageId: `msg-${i + 1}`,
        receiptHandle: `rh-${i + 1}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1740823200000',
          SenderId: 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1740823200000',
        },
        messageAttributes: {},
        md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:shop-test-payment-service-payment-events',
        awsRegion: 'us-east-1',
      }),
    ),
  };
}
