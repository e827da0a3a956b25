import type { Logger } from '@shop/common';
import type { MessageChannel } from '@shop/platform';
import { renderMessage } from './message';
import type { OrderEvent } from './order-event';
import type { Contacts, Delivery, Notification } from './ports';

export interface NotifyDeps {
  contacts: Contacts;
  /**
   * Each sends a notification once (SNS and Lambda deliver at least once) and only within the
   * account's hourly limit on its channel (`withinHourlyLimit`).
   */
  email: (email: Notification & { subject: string }) => Promise<Delivery>;
  sms: (sms: Notification) => Promise<Delivery>;
}

/** What became of one channel's message. */
export type ChannelOutcome =
  | { channel: MessageChannel; outcome: 'sent'; messageId: string }
  | { channel: MessageChannel; outcome: 'skipped'; reason: 'unverified' }
  | { channel: MessageChannel; outcome: 'skipped'; reason: 'over-limit' | 'number-over-limit'; limit: number };

/**
 * Tells the customer about an order event: an e-mail, and an SMS when the event warrants one and
 * they gave a phone number, each only to a channel the customer verified (a channel nobody proved
 * is theirs may be someone else's: the shop does not write to it). Each message is named by the
 * event and its channel, so a redelivered event sends nothing twice, and a retry after one channel
 * failed sends that channel's message and not the other's again. Each channel is tried whatever
 * became of the other: an address SES refuses for good must not cost the customer the text that
 * says their payment failed. A skipped message is logged (at warn when the account's or the
 * number's limit stopped it) and is not an error; a failure is thrown once both were tried, for
 * Lambda to retry.
 *
 * A customer user-service no longer knows deleted their account (`DELETE /users/me`), while an
 * order of theirs was still on its way (it finishes, and a refund still reaches the card): there is
 * no one to tell, and no address to tell them at. Nothing is sent, a line is logged at info, and
 * the event is done with: retrying it would find no one either, and its dead-letter queue pages
 * someone.
 */
export async function notifyCustomer(deps: NotifyDeps, event: OrderEvent, log: Pick<Logger, 'info' | 'warn'>): Promise<ChannelOutcome[]> {
  const contact = await deps.contacts.get(event.detail.userId, event.correlationId);
  if (!contact) {
    log.info({ userId: event.detail.userId }, 'nothing sent: the customer deleted their account, and there is no one to tell');
    return [];
  }
  const message = renderMessage(event, contact);
  const { userId } = contact;
  const outcomes: ChannelOutcome[] = [];
  const failures: unknown[] = [];
  const attempt = async (send: () => Promise<ChannelOutcome>) => {
    try {
      outcomes.push(await send());
    } catch (error) {
      failures.push(error);
    }
  };

  await attempt(async () =>
    contact.emailVerified
      ? outcome('email', await deps.email({ notificationId: `${event.id}#email`, userId, to: contact.email, subject: message.subject, text: message.text }))
      : { channel: 'email', outcome: 'skipped', reason: 'unverified' },
  );
  const { sms } = message;
  const { phone } = contact;
  if (sms && phone) {
    await attempt(async () =>
      contact.phoneVerified
        ? outcome('sms', await deps.sms({ notificationId: `${event.id}#sms`, userId, to: phone, text: sms }))
        : { channel: 'sms', outcome: 'skipped', reason: 'unverified' },
    );
  }

  for (const skipped of outcomes) {
    if (skipped.outcome !== 'skipped') continue;
    if (skipped.reason === 'over-limit') log.warn(skipped, "message skipped: the account's hourly limit on this channel is spent");
    else if (skipped.reason === 'number-over-limit') log.warn(skipped, "message skipped: the hourly limit on texts to this phone number is spent (any accounts' texts count)");
    else log.info(skipped, 'message skipped: the customer has not verified this channel');
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'neither the e-mail nor the SMS could be sent');
  return outcomes;
}

function outcome(channel: MessageChannel, delivery: Delivery): ChannelOutcome {
  return delivery.outcome === 'sent'
    ? { channel, outcome: 'sent', messageId: delivery.messageId }
    : { channel, outcome: 'skipped', reason: delivery.outcome, limit: delivery.limit };
}
