import type { Contact } from '@shop/domain';

/** Where to reach a customer (user-service). */
export interface Contacts {
  get(userId: string, correlationId: string): Promise<Contact>;
}

/**
 * One message to one person, named by `notificationId` (`<eventId>#<channel>`): the senders send
 * each notification at most once, however often it is handed to them.
 */
export interface Notification {
  notificationId: string;
  to: string;
  text: string;
}

export interface Mailer {
  send(email: Notification & { subject: string }): Promise<{ messageId: string }>;
}

export interface Texter {
  send(sms: Notification): Promise<{ messageId: string }>;
}
