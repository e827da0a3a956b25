import {
  BadRequestError,
  type HttpEvent,
  httpHandler,
  httpRoute,
  MAX_BODY_BYTES,
  parseRequestPart,
  PayloadTooLargeError,
  requireEnv,
  UnauthorizedError,
} from '@shop/common';
import { authorizeRoute } from '@shop/auth';
import { ProviderEvent } from '@shop/domain';
import { dynamoPaymentRepository } from '../adapters/dynamodb-payment-repository';
import { dynamoWebhookEventStore } from '../adapters/dynamodb-webhook-event-store';
import { sqsPaymentEventsQueue } from '../adapters/sqs-payment-events-queue';
import { paymentResultMessage, statusOfEvent } from '../domain/payment-record';
import { checkWebhookSignature, SIGNATURE_HEADER } from '../domain/webhook-signature';
import { service, type WebhookReceipt } from '../service';

const route = httpRoute(service, 'payment-webhook');
const seenEvents = dynamoWebhookEventStore();
const paymentEvents = sqsPaymentEventsQueue();
const payments = dynamoPaymentRepository();

/**
 * The provider's word on a charge. Nothing happens before the signature and its time are
 * checked; a delivery already received is acknowledged and ignored; a message that could not
 * be queued is forgotten and answered 500, so that the provider delivers it again.
 */
export const handler = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ event, headers, correlationId, log }) => {
  const rawBody = rawBodyOf(event);
  const signature = checkWebhookSignature({
    header: headers[SIGNATURE_HEADER],
    rawBody,
    secret: requireEnv('PAYMENT_WEBHOOK_SECRET'),
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!signature.valid) throw new UnauthorizedError(signature.message, signature.code);
  const providerEvent = parseRequestPart('body', ProviderEvent, parseJson(rawBody));
  const { orderId } = providerEvent.data;
  const received = { eventId: providerEvent.id, type: providerEvent.type, orderId };

  if (!(await seenEvents.claim({ eventId: providerEvent.id, orderId, now: new Date() }))) {
    log.info(received, 'duplicate provider event ignored');
    return { status: 200, body: { received: true, duplicate: true } satisfies WebhookReceipt };
  }
  try {
    // The order's own correlation id, which process-payment gave the charge, rather than this request's.
    await paymentEvents.send(paymentResultMessage(providerEvent, providerEvent.data.metadata?.['correlationId'] ?? correlationId));
  } catch (error) {
    await seenEvents.release(providerEvent.id).catch((releaseError: unknown) => {
      log.error({ ...received, err: releaseError }, 'could not forget the event id; its redelivery will be dropped as a duplicate');
    });
    throw error;
  }
  log.info(received, 'provider event queued for order-service');

  // Bookkeeping only: the order itself changes through the queue.
  const applied = await payments
    .recordEvent({
      orderId,
      chargeId: providerEvent.data.chargeId,
      status: statusOfEvent(providerEvent),
      ...(providerEvent.data.failureReason ? { reason: providerEvent.data.failureReason } : {}),
      eventId: providerEvent.id,
      eventCreated: providerEvent.created,
      now: new Date(),
    })
    .catch((error: unknown) => {
      log.warn({ ...received, err: error }, 'could not update the payments record');
      return true;
    });
  if (!applied) log.info(received, 'payments record kept: a newer event was already applied');

  return { status: 202, body: { received: true } satisfies WebhookReceipt };
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
