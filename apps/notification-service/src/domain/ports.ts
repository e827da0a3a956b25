import type { Contact } from '@shop/domain';

/** Where to reach a customer (user-service). */
export interface Contacts {
  get(userId: string, correlationId: string): Promise<Contact>;
}

export interface Mailer {
  send(email: { to: string; subject: string; text: string }): Promise<{ messageId: string }>;
}

export interface Texter {
  send(sms: { to: string; text: string }): Promise<{ messageId: string }>;
}

/** What a claim on sending one notification found. */
export type Claim = 'claimed' | 'already-sent' | 'in-flight';

/**
 * The record of what was sent, one entry per event and channel. A delivery claims an entry before
 * sending, for `leaseSeconds`; it marks it sent after, or releases it when sending failed. A claim
 * whose lease ran out (its holder crashed) can be claimed again.
 */
export interface SentNotifications {
  claim(notificationId: string, now: Date, leaseSeconds: number): Promise<Claim>;
  markSent(notificationId: string, now: Date, messageId: string): Promise<void>;
  release(notificationId: string): Promise<void>;
}
