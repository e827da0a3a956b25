import { logger } from '@shop/common';
import { envelopeFromSnsMessage, parseAnyEvent } from '@shop/events';
import type { Context, SNSEvent } from 'aws-lambda';
import { OncePerNotification } from '../adapters/once-per-notification';
import { sesMailer } from '../adapters/ses-mailer';
import { snsTexter } from '../adapters/sns-texter';
import { userContacts } from '../adapters/user-contacts';
import { notifyCustomer } from '../domain/notify-customer';
import { NOTIFIED_EVENTS } from '../domain/order-event';

const once = new OncePerNotification();
const mailer = sesMailer();
const texter = snsTexter();
const deps = {
  contacts: userContacts(),
  mailer: { send: once.wrap(mailer.send) },
  texter: { send: once.wrap(texter.send) },
};

/**
 * Subscribed to the notifications topic, which an EventBridge rule feeds with order events. Each
 * event is checked against its schema before anything is sent; one that fails (or any other
 * error) fails the invocation, so Lambda retries it and then puts it, with the error, on the
 * failed-notifications queue. A notification never holds up a checkout: nothing waits for it.
 */
export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  once.startInvocation(context);
  for (const record of event.Records) {
    const envelope = parseAnyEvent(NOTIFIED_EVENTS, envelopeFromSnsMessage(record.Sns.Message));
    const log = logger.child({ correlationId: envelope.correlationId, eventId: envelope.id, eventType: envelope.type, orderId: envelope.detail.orderId });
    const outcome = await notifyCustomer(deps, envelope);
    log.info(outcome, 'customer notified');
  }
};
