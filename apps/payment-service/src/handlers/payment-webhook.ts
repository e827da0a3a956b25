import {
  BadRequestError,
  type HttpEvent,
  httpHandler,
  MAX_BODY_BYTES,
  parseRequestPart,
  PayloadTooLargeError,
  UnauthorizedError,
} from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { ForeignProviderEvent, isChargeEvent, ProviderEvent, type RefundEvent } from '@shop/contracts';
import { dynamoPaymentRepository } from '../adapters/dynamodb-payment-repository';
import { dynamoRefundRepository } from '../adapters/dynamodb-refund-repository';
import { dynamoWebhookEventStore } from '../adapters/dynamodb-webhook-event-store';
import { busIncidents } from '../adapters/incidents';
import { paymentProviderClient } from '../adapters/payment-provider-client';
import { sqsPaymentQueues } from '../adapters/sqs-payment-queues';
import { ssmPaymentSecrets } from '../adapters/ssm-payment-secrets';
import { handleChargeEvent, handleForeignEvent, handleRefundEvent, type ProviderEventHandling } from '../domain/provider-events';
import { checkWebhookSignature, SIGNATURE_HEADER } from '../domain/webhook-signature';
import { service, type WebhookReceipt } from '../service';

const route = httpRoute(service, 'payment-webhook');
const handledEvents = dynamoWebhookEventStore();
// Read from SSM on first use and cached; unreadable → 503 (the provider retries), never a 401.
const secrets = ssmPaymentSecrets();
const ports = {
  payments: dynamoPaymentRepository(),
  refunds: dynamoRefundRepository(),
  queues: sqsPaymentQueues(),
  incidents: busIncidents(),
  // Asked only to settle a refund made outside the shop (docs/payments.md), with the same cached key.
  provider: paymentProviderClient({ secrets }),
  now: () => new Date(),
};

/** Kept back from the function's remaining time for answering the provider. */
const ANSWER_RESERVE_MS = 1000;

/**
 * The provider's word on a charge or a refund (docs/payments.md). Nothing happens before the
 * signature and its time are checked. An event already handled is acknowledged and ignored; any
 * other is checked against what the shop asked for and queued before anything is noted, so a
 * failure answers 500 and the provider's retry comes through again. An event that does not match
 * is an incident, answered 2xx: the provider must not send it forever.
 */
export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ event, headers, correlationId, log, context }) => {
  const rawBody = rawBodyOf(event);
  const signature = checkWebhookSignature({
    header: headers[SIGNATURE_HEADER],
    rawBody,
    secret: await secrets.webhookSecret(),
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!signature.valid) throw new UnauthorizedError(signature.message, signature.code);
  const json = parseJson(rawBody);
  const ours = ProviderEvent.safeParse(json);
  // Well formed but naming no order of the shop: acknowledged (below), never a 400 the provider would retry.
  const foreign = ours.success ? undefined : ForeignProviderEvent.safeParse(json).data;
  const providerEvent = ours.success ? ours.data : (foreign ?? parseRequestPart('body', ProviderEvent, json));
  const orderId = ours.success ? ours.data.data.orderId : undefined;
  const received = { eventId: providerEvent.id, type: providerEvent.type, ...(orderId && { orderId }) };
  // The order's own correlation id, which process-payment gave the charge, rather than this request's.
  const orderCorrelationId = (ours.success && providerEvent.data.metadata?.['correlationId']) || correlationId;
  const orderLog = log.child({ correlationId: orderCorrelationId, ...(orderId && { orderId }) });

  if (await handledEvents.handled(providerEvent.id)) {
    orderLog.info(received, 'duplicate provider event ignored');
    return { status: 200, body: { received: true, duplicate: true } satisfies WebhookReceipt };
  }
  const deps = { ...ports, deadline: () => Date.now() + context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS, log: orderLog };
  const handling: ProviderEventHandling = !ours.success
    ? await handleForeignEvent(deps, providerEvent, orderCorrelationId)
    : isChargeEvent(ours.data)
      ? await handleChargeEvent(deps, ours.data, orderCorrelationId)
      : await handleRefundEvent(deps, ours.data as RefundEvent, orderCorrelationId);
  await handledEvents.remember({ eventId: providerEvent.id, ...(orderId && { orderId }), now: new Date() }).catch((error: unknown) => {
    orderLog.warn({ ...received, err: error }, 'could not note the event as handled; a redelivery is handled again, harmlessly');
  });
  orderLog.info({ ...received, handling }, 'provider event handled');

  switch (handling) {
    case 'queued':
      return { status: 202, body: { received: true } satisfies WebhookReceipt };
    case 'duplicate':
      return { status: 200, body: { received: true, duplicate: true } satisfies WebhookReceipt };
    case 'partly-refunded':
    case 'refund-reversed':
    case 'unverified':
      return { status: 200, body: { received: true } satisfies WebhookReceipt };
    case 'mismatch':
      return { status: 200, body: { received: true, rejected: 'PAYMENT_MISMATCH' } satisfies WebhookReceipt };
    case 'unknown-refund':
      return { status: 200, body: { received: true, rejected: 'UNKNOWN_REFUND' } satisfies WebhookReceipt };
    case 'unknown-order':
      return { status: 200, body: { received: true, rejected: 'UNKNOWN_ORDER' } satisfies WebhookReceipt };
  }
});

/** The body exactly as the provider sent it: the bytes its signature covers. */
function rawBodyOf(event: HttpEvent): Buffer {
  const body = event.body ?? '';
  const raw = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (raw.byteLength > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  return raw;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestError('Request body is not valid JSON', [{ field: 'body', message: 'malformed JSON' }], 'INVALID_JSON');
  }
}
