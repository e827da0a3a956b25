import { invokeHandler } from '@shop/common';
import { dynamoNotificationLog } from '../adapters/dynamodb-notification-log';
import { NotifyRequest } from '../domain/notification';

const notifications = dynamoNotificationLog();

/**
 * Checkout step Notify. For now it records that it ran ({orderId, event, notifiedAt}); sending
 * the e-mail or SMS comes with notification-service. The state machine catches its failures:
 * a paid checkout never fails for a notification.
 */
export const handler = invokeHandler(NotifyRequest, async ({ payload, correlationId, log }) => {
  const notifiedAt = new Date().toISOString();
  await notifications.record({ orderId: payload.orderId, event: payload.event, notifiedAt, correlationId });
  log.info({ orderId: payload.orderId, event: payload.event }, 'notification recorded');
  return { orderId: payload.orderId, event: payload.event, notifiedAt };
});
