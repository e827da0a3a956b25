import type { MessageChannel } from '@shop/platform';
import type { Contact } from '@shop/contracts';

/** Where to reach a customer, and which of those channels they verified (user-service). */
export interface Contacts {
  /** The customer's contact; `undefined` when user-service knows no such user: they deleted their account. */
  get(userId: string, correlationId: string): Promise<Contact | undefined>;
}

/**
 * One message to one person, named by `notificationId` (`<eventId>#<channel>`): the senders send
 * each notification at most once, however often it is handed to them.
 */
export interface Notification {
  notificationId: string;
  /** Whose account the message is about: it counts against that account's hourly limit. */
  userId: string;
  /** The address or number; a text counts against the number's hourly limit too. */
  to: string;
  text: string;
}

export interface Mailer {
  send(email: Notification & { subject: string }): Promise<{ messageId: string }>;
}

export interface Texter {
  send(sms: Notification): Promise<{ messageId: string }>;
}

/**
 * What became of a notification handed to a sender within the limits: sent, or not, because the
 * account's hourly limit on the channel was spent (`over-limit`) or, for a text, the number's
 * (`number-over-limit`).
 */
export type Delivery = { outcome: 'sent'; messageId: string } | { outcome: 'over-limit' | 'number-over-limit'; limit: number };

/** Which hourly limit stopped a text, when one did. */
export type TextCount = 'counted' | 'account-spent' | 'number-spent';

/** Counts the messages sent to each account per channel and hour, and the texts to each number. */
export interface MessageCounter {
  /**
   * Counts one more message to the account on the channel in the hour `at` falls in, unless
   * `limit` are counted there already; answers whether it counted.
   */
  countWithin(account: { userId: string; channel: MessageChannel }, limit: number, at: Date): Promise<boolean>;
  /**
   * Counts one more text in the hour `at` falls in, against the account's SMS and against the
   * number `to`, both or neither: nothing is counted when either has its limit counted already.
   * Answers which was spent (the account's first, when both were).
   */
  countTextWithin(text: { userId: string; to: string }, limits: { account: number; number: number }, at: Date): Promise<TextCount>;
}
