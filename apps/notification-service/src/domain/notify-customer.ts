import type { Logger, MessageChannel } from '@shop/common';
import { renderMessage } from './message';
import type { OrderEvent } from './order-event';
import type { Contacts, Mailer, SentNotifications, Texter } from './ports';

export interface NotifyDeps {
  contacts: Contacts;
  mailer: Mailer;
  texter: Texter;
  sent: SentNotifications;
  now: () => Date;
  /** How long a claim holds; longer than the function's timeout, so a live delivery keeps it. */
  leaseSeconds: number;
  log: Logger;
}

export interface NotifyOutcome {
  sent: MessageChannel[];
  /** Channels a delivery of the same event already sent (or is sending). */
  skipped: MessageChannel[];
}

/**
 * Tells the customer about an order event: an e-mail, and an SMS when the event warrants one and
 * they gave a phone number. Each channel is sent at most once per event, whatever the deliveries:
 * SNS and Lambda deliver at least once, and a retry after the SMS failed must not send the e-mail
 * again. A failure is thrown after the claim is released, so that Lambda's retry can send it.
 */
export async function notifyCustomer(deps: NotifyDeps, event: OrderEvent): Promise<NotifyOutcome> {
  const contact = await deps.contacts.get(event.detail.userId, event.correlationId);
  const message = renderMessage(event, contact);
  const deliveries: { channel: MessageChannel; send: () => Promise<{ messageId: string }> }[] = [
    { channel: 'email', send: () => deps.mailer.send({ to: contact.email, subject: message.subject, text: message.text }) },
  ];
  if (message.sms && contact.phone) {
    const { sms } = message;
    const phone = contact.phone;
    deliveries.push({ channel: 'sms', send: () => deps.texter.send({ to: phone, text: sms }) });
  }

  const outcome: NotifyOutcome = { sent: [], skipped: [] };
  for (const { channel, send } of deliveries) {
    const notificationId = `${event.id}#${channel}`;
    const claim = await deps.sent.claim(notificationId, deps.now(), deps.leaseSeconds);
    if (claim !== 'claimed') {
      deps.log.info({ notificationId, claim }, 'notification already handled; not sent again');
      outcome.skipped.push(channel);
      continue;
    }
    let messageId: string;
    try {
      ({ messageId } = await send());
    } catch (error) {
      // The claim's lease frees it anyway; releasing now lets the retry send at once.
      await deps.sent.release(notificationId).catch((releaseError: unknown) => deps.log.warn({ err: releaseError, notificationId }, 'could not release the claim'));
      throw error;
    }
    await deps.sent.markSent(notificationId, deps.now(), messageId);
    outcome.sent.push(channel);
  }
  return outcome;
}
