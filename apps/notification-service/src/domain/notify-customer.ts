import type { MessageChannel } from '@shop/common';
import { renderMessage } from './message';
import type { OrderEvent } from './order-event';
import type { Contacts, Mailer, Texter } from './ports';

export interface NotifyDeps {
  contacts: Contacts;
  /** Both send each notification once (see ports.ts): SNS and Lambda deliver at least once. */
  mailer: Mailer;
  texter: Texter;
}

/**
 * Tells the customer about an order event: an e-mail, and an SMS when the event warrants one and
 * they gave a phone number. Each message is named by the event and its channel, so a redelivered
 * event sends nothing twice, and a retry after the SMS failed sends the SMS but not the e-mail
 * again. A failure is thrown, for Lambda to retry.
 */
export async function notifyCustomer(deps: NotifyDeps, event: OrderEvent): Promise<{ channels: MessageChannel[] }> {
  const contact = await deps.contacts.get(event.detail.userId, event.correlationId);
  const message = renderMessage(event, contact);
  await deps.mailer.send({ notificationId: `${event.id}#email`, to: contact.email, subject: message.subject, text: message.text });
  if (!message.sms || !contact.phone) return { channels: ['email'] };
  await deps.texter.send({ notificationId: `${event.id}#sms`, to: contact.phone, text: message.sms });
  return { channels: ['email', 'sms'] };
}
