import type { MessageChannel } from '@shop/platform';
import type { Contact } from '@shop/contracts';

/** Where to reach a customer, and which of those channels they verified (user-service). */
export interface Contacts {
  get(userId: string, correlationId: string): Promise<Contact>;
}

/**
 * One message to one person, named by `notificationId` (`<eventId>#<channel>`): the senders send
 * each notification at most once, however often it is handed to them.
 */
export interface Notification {
  notificationId: string;
  /** Whose account the message is about: it counts against that account's hourly limit. */
  userId: string;
  to: string;
  text: string;
}

export interface Mailer {
  send(email: Notification & { subject: string }): Promise<{ messageId: string }>;
}

export interface Texter {
  send(sms: Notification): Promise<{ messageId: string }>;
}

/** What became of a notification handed to a sender within the limit. */
export type Delivery = { outcome: 'sent'; messageId: string } | { outcome: 'over-limit'; limit: number };

/** Counts the messages sent to each account per channel and hour. */
export interface MessageCounter {
  /**
   * Counts one more message to the account on the channel in the hour `at` falls in, unless
   * `limit` are counted there already; answers whether it counted.
   */
  countWithin(account: { userId: string; channel: MessageChannel }, limit: number, at: Date): Promise<boolean>;
}
