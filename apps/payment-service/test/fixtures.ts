import { createHmac } from 'node:crypto';
import {
  GetParameterCommand,
  ParameterNotFound,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SSMClientResolvedConfig,
} from '@aws-sdk/client-ssm';
import type { AwsStub } from 'aws-sdk-client-mock';
import { accessTokenClaims } from '@shop/testing';
import { afterEach, beforeEach, vi } from 'vitest';

export const PAYMENTS_TABLE = 'shop-test-payment-service-payments';
export const REFUNDS_TABLE = 'shop-test-payment-service-refunds';
export const WEBHOOK_EVENTS_TABLE = 'shop-test-payment-service-webhook-events';
export const QUEUE_URL = 'http://sqs.local/000000000000/shop-test-payment-service-payment-events';
export const REFUNDS_QUEUE_URL = 'http://sqs.local/000000000000/shop-test-payment-service-refunds';
export const BEGIN_PAYMENT_FUNCTION = 'shop-test-order-service-begin-payment';
export const RELEASE_PAYMENT_CLAIM_FUNCTION = 'shop-test-order-service-release-payment-claim';
export const EVENT_BUS = 'shop-test-events';
/** Which attribute is the partition key of each table, for the fake. */
export const TABLE_KEYS = { [PAYMENTS_TABLE]: 'orderId', [REFUNDS_TABLE]: 'chargeId', [WEBHOOK_EVENTS_TABLE]: 'eventId' };
export const PROVIDER_URL = 'http://provider.test';
export const API_KEY = 'sk_test_4f9b1c2d8e7a6b5c';
export const WEBHOOK_SECRET = 'whsec_9a8b7c6d5e4f3a2b';
/** The SecureString parameters holding them, as the environment names them. */
export const API_KEY_PARAMETER = '/shop/test/payment-provider/api-key';
export const WEBHOOK_SECRET_PARAMETER = '/shop/test/payment-provider/webhook-secret';

export const CUSTOMER_ID = 'c0000000-0000-4000-8000-000000000001';
export const OTHER_CUSTOMER_ID = 'c0000000-0000-4000-8000-000000000002';
export const ADMIN_ID = 'a0000000-0000-4000-8000-000000000001';
export const CUSTOMER = () => accessTokenClaims({ userId: CUSTOMER_ID, roles: ['CUSTOMER'] });
export const OTHER_CUSTOMER = () => accessTokenClaims({ userId: OTHER_CUSTOMER_ID, roles: ['CUSTOMER'] });
export const ADMIN = () => accessTokenClaims({ userId: ADMIN_ID, roles: ['ADMIN'] });

export const ORDER_ID = '0d2c5a0e-6b1f-4c8e-9a7d-3e2f1b0c9d8e';
export const CHARGE_ID = 'ch_1a2b3c4d5e6f7a8b9c0d1e2f';
export const TOTAL = { amount: 3300, currency: 'USD' } as const;

/** The payments item process-payment writes before it charges, with the charge once recorded. */
export function paymentRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: ORDER_ID,
    amount: TOTAL,
    chargeId: CHARGE_ID,
    status: 'PROCESSING',
    attempts: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

/** The environment infra and the local cloud give payment-service's functions. */
export function withPaymentEnvironment(overrides: Record<string, string> = {}): void {
  beforeEach(() => {
    const env: Record<string, string> = {
      PAYMENTS_TABLE,
      REFUNDS_TABLE,
      WEBHOOK_EVENTS_TABLE,
      PAYMENT_SERVICE_PAYMENT_EVENTS_QUEUE_URL: QUEUE_URL,
      PAYMENT_SERVICE_REFUNDS_QUEUE_URL: REFUNDS_QUEUE_URL,
      ORDER_SERVICE_BEGIN_PAYMENT_FUNCTION: BEGIN_PAYMENT_FUNCTION,
      ORDER_SERVICE_RELEASE_PAYMENT_CLAIM_FUNCTION: RELEASE_PAYMENT_CLAIM_FUNCTION,
      EVENT_BUS_NAME: EVENT_BUS,
      PAYMENT_PROVIDER_URL: PROVIDER_URL,
      PAYMENT_PROVIDER_API_KEY_PARAMETER: API_KEY_PARAMETER,
      PAYMENT_WEBHOOK_SECRET_PARAMETER: WEBHOOK_SECRET_PARAMETER,
      ...overrides,
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}

/**
 * Parameter Store behind a mocked SSM client: GetParameter answers `values` by name (decrypted only
 * when asked to) and ParameterNotFound for any other name, as SSM does.
 */
export function fakeParameterStore(
  ssm: AwsStub<ServiceInputTypes, ServiceOutputTypes, SSMClientResolvedConfig>,
  values: Readonly<Record<string, string>> = { [API_KEY_PARAMETER]: API_KEY, [WEBHOOK_SECRET_PARAMETER]: WEBHOOK_SECRET },
): void {
  ssm.on(GetParameterCommand).callsFake(({ Name, WithDecryption }: { Name: string; WithDecryption?: boolean }) => {
    const value = values[Name];
    if (value === undefined) throw new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } });
    return { Parameter: { Name, Type: 'SecureString', Value: WithDecryption ? value : 'AQICAHencrypted', Version: 1 } };
  });
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A `provider-signature` header, computed here from the contract's words rather than with the
 * service's own code: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 */
export function sign(rawBody: string, { secret = WEBHOOK_SECRET, at = nowSeconds() }: { secret?: string; at?: number } = {}): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${rawBody}`).digest('hex')}`;
}

export function providerEvent(
  overrides: {
    id?: string;
    type?: 'charge.succeeded' | 'charge.failed';
    created?: number;
    failureReason?: string;
    orderId?: string;
    chargeId?: string;
    amount?: number;
    currency?: string;
    metadata?: Record<string, string>;
  } = {},
) {
  return {
    id: overrides.id ?? 'evt_3f1c0a9b8e7d6c5b4a39281706f5e4d3',
    type: overrides.type ?? 'charge.succeeded',
    created: overrides.created ?? nowSeconds(),
    data: {
      chargeId: overrides.chargeId ?? CHARGE_ID,
      orderId: overrides.orderId ?? ORDER_ID,
      amount: overrides.amount ?? TOTAL.amount,
      currency: overrides.currency ?? TOTAL.currency,
      ...(overrides.failureReason ? { failureReason: overrides.failureReason } : {}),
      ...(overrides.metadata ? { metadata: overrides.metadata } : {}),
    },
  };
}

export function refundEvent(
  overrides: {
    id?: string;
    type?: 'refund.succeeded' | 'refund.failed';
    refundId?: string;
    chargeId?: string;
    orderId?: string;
    failureReason?: string;
    amount?: number;
    /** The shop's attempt the refund's metadata names (1 unless told); `null`: none, as an operator's refund in the dashboard. */
    attempt?: number | null;
  } = {},
) {
  const attempt = overrides.attempt === undefined ? 1 : overrides.attempt;
  return {
    id: overrides.id ?? 'evt_refund_1',
    type: overrides.type ?? 'refund.succeeded',
    created: nowSeconds(),
    data: {
      refundId: overrides.refundId ?? 're_1',
      chargeId: overrides.chargeId ?? CHARGE_ID,
      orderId: overrides.orderId ?? ORDER_ID,
      amount: overrides.amount ?? TOTAL.amount,
      currency: TOTAL.currency,
      ...(overrides.failureReason ? { failureReason: overrides.failureReason } : {}),
      metadata: { orderId: ORDER_ID, correlationId: 'order-corr-1', ...(attempt !== null && { refundAttempt: String(attempt) }) },
    },
  };
}

/** A refund as the refunds table holds it, asked for and taken by the provider unless told otherwise. */
export function refundRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    chargeId: CHARGE_ID,
    orderId: ORDER_ID,
    amount: TOTAL,
    reason: 'order cancelled',
    attempt: 1,
    status: 'PENDING',
    refundId: 're_1',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}
