import { snsHandler } from '@shop/common';
import { envelopeFromEventBridge, parseAnyEvent } from '@shop/events';
import { dynamoMessageCounter } from '../adapters/dynamodb-message-counter';
import { OncePerNotification } from '../adapters/once-per-notification';
import { sesMailer } from '../adapters/ses-mailer';
import { snsTexter } from '../adapters/sns-texter';
import { userContacts } from '../adapters/user-contacts';
import { withinHourlyLimit } from '../domain/message-limit';
import { notifyCustomer } from '../domain/notify-customer';
import { NOTIFIED_EVENTS } from '../domain/order-event';

const once = new OncePerNotification();
const counter = dynamoMessageCounter();
const deps = {
  contacts: userContacts(),
  // Once per notification outside, the limit inside: a redelivered message is neither counted nor sent again.
  email: once.wrap(withinHourlyLimit(counter, 'email', sesMailer().send)),
  sms: once.wrap(withinHourlyLimit(counter, 'sms', snsTexter().send)),
};

/**
 * Subscribed to the notifications topic, which an EventBridge rule feeds with order events. Each
 * event is checked against its schema before anything is sent; one that fails (or any other
 * error) fails the invocation, so Lambda retries it and then puts it, with the error, on the
 * failed-notifications queue. A message skipped (unverified channel, account over its limit) is
 * logged, not an error. A notification never holds up a checkout: nothing waits for it.
 */
export const handler = snsHandler(
  // The topic's messages are the EventBridge events its rule matched; the envelope is their detail.
  (message) => parseAnyEvent(NOTIFIED_EVENTS, envelopeFromEventBridge(message)),
  async ({ message: envelope, log: messageLog, context }) => {
    once.startInvocation(context);
    const log = messageLog.child({ eventId: envelope.id, eventType: envelope.type, orderId: envelope.detail.orderId });
    const outcomes = await notifyCustomer(deps, envelope, log);
    log.info({ sent: outcomes.filter((o) => o.outcome === 'sent').map((o) => o.channel) }, 'customer notified');
  },
);
